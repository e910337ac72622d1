/**
 * Open connections by contact: routes bus events to sockets, runs the heartbeat sweep, and
 * counts each contact's sockets (config.maxSocketsPerContact).
 */
import type { Bus, BusEvent } from '../bus/bus.js';
import { frameText, type Connection } from './connection.js';

export class Hub {
  private readonly byContact = new Map<string, Set<Connection>>();
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
    return this.byContact.get(contactId)?.size ?? 0;
  }

  /** From the socket's opening: counted, swept by the heartbeat, routed once it is live. */
  add(c: Connection): void {
    this.all.add(c);
    let set = this.byContact.get(c.contactId);
    if (!set) this.byContact.set(c.contactId, (set = new Set()));
    set.add(c);
  }

  remove(c: Connection): void {
    this.all.delete(c);
    const set = this.byContact.get(c.contactId);
    if (set) {
      set.delete(c);
      if (set.size === 0) this.byContact.delete(c.contactId);
    }
  }

  private route(ev: BusEvent): void {
    const set = this.byContact.get(ev.contactId);
    if (!set) return;
    let frame: string | undefined;
    for (const c of set) {
      if (c.appId !== ev.appId) continue;
      frame ??= frameText(ev);
      c.deliver(ev, frame);
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const c of this.all) c.heartbeat(now);
  }

  /** Close every socket with `code` (graceful shutdown) and stop the sweep. */
  closeAll(code: number, reason: string): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe();
    for (const c of [...this.all]) c.close(code, reason);
  }
}
