/**
 * Open connections by contact: routes bus events to sockets, runs the heartbeat sweep, and
 * counts each contact's sockets (config.maxSocketsPerContact).
 */
import type { ServerFrame } from '@causette/shared';
import type { Bus, BusEvent } from '../bus/bus.js';
import { frameText, type Connection } from './connection.js';

/**
 * A contact's open sockets: most contacts hold one, kept without a collection around it. An
 * array is never changed once stored (a new one replaces it), so a socket closed while an event
 * is being routed over the array does not make the loop skip the next one.
 */
type Held = Connection | readonly Connection[];

const isMany = (h: Held): h is readonly Connection[] => Array.isArray(h);

export class Hub {
  private readonly byContact = new Map<string, Held>();
  private readonly all = new Set<Connection>();
  private readonly unsubscribe: () => void;
  private timer: NodeJS.Timeout | undefined;

  constructor(bus: Bus, heartbeatMs: number) {
    this.unsubscribe = bus.subscribe((ev) => this.route(ev));
    this.timer = setInterval(() => this.sweep(), heartbeatMs);
    this.timer.unref();
  }

  get size(): number {
    return this.all.size;
  }

  /** Sockets this contact holds open now, before or after their `hello`. */
  socketsOf(contactId: string): number {
    const held = this.byContact.get(contactId);
    return held === undefined ? 0 : isMany(held) ? held.length : 1;
  }

  /** From the socket's opening: counted, swept by the heartbeat, routed once it is live. */
  add(c: Connection): void {
    this.all.add(c);
    const held = this.byContact.get(c.contactId);
    if (held === undefined) this.byContact.set(c.contactId, c);
    else if (isMany(held)) this.byContact.set(c.contactId, [...held, c]);
    else this.byContact.set(c.contactId, [held, c]);
  }

  remove(c: Connection): void {
    if (!this.all.delete(c)) return;
    const held = this.byContact.get(c.contactId);
    if (held === c) this.byContact.delete(c.contactId);
    else if (held !== undefined && isMany(held)) {
      const rest = held.filter((x) => x !== c);
      this.byContact.set(c.contactId, rest.length === 1 ? rest[0]! : rest);
    }
  }

  private route(ev: BusEvent): void {
    const held = this.byContact.get(ev.contactId);
    if (held === undefined) return;
    if (!isMany(held)) {
      if (held.appId === ev.appId) held.deliver(ev, undefined);
      return;
    }
    let frame: string | undefined;
    for (const c of held) {
      if (c.appId !== ev.appId) continue;
      frame ??= frameText(ev);
      c.deliver(ev, frame);
    }
  }

  private sweep(): void {
    if (this.all.size === 0) return;
    const now = Date.now();
    // One frame for the whole sweep: every socket is sent the same bytes.
    const ping = Buffer.from(JSON.stringify({ type: 'ping', t: now } satisfies ServerFrame));
    for (const c of this.all) c.heartbeat(now, ping);
  }

  /** Close every socket with `code` (graceful shutdown) and stop the sweep. */
  closeAll(code: number, reason: string): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe();
    for (const c of [...this.all]) c.close(code, reason);
  }
}
