/**
 * A visitor tab for the Jepsen-style checker: connects, resumes from its last contiguous seq,
 * resends what is unacknowledged (same client id), streams new messages, and drops its socket
 * at random. It records everything it observes — acks and received messages — as its *view*
 * of the thread, plus any contradiction it sees on the way (an ack or a message whose id/seq
 * differs from one seen before, an epoch change, an unexpected error frame).
 */
import WebSocket from 'ws';
import {
  PROTOCOL_VERSION,
  WS_PATH,
  WS_SUBPROTOCOL,
  WS_TOKEN_PREFIX,
  type Message,
  type ServerFrame,
} from '@causette/shared';
import { sleep, type rng } from './support.js';

type Rng = ReturnType<typeof rng>;

export interface Seen {
  id: string;
  clientId: string | null;
}

export class JepsenClient {
  /** seq -> message, from acks of its own sends and from received messages. */
  readonly view = new Map<number, Seen>();
  /** Own sends: client id -> acked id and seq. */
  readonly acked = new Map<string, { id: string; seq: number }>();
  /** Sent at least once, never acked (may or may not be stored). */
  readonly unacked = new Set<string>();
  /** Every client id this tab ever sent. */
  readonly sent = new Set<string>();
  readonly violations: string[] = [];
  /** Connections opened, sockets dropped on purpose, reloads asked by the server. */
  readonly stats = {
    connections: 0,
    drops: 0,
    reloads: 0,
    failedConnects: 0,
    resent: 0,
    duplicates: 0,
  };
  private epoch: string | undefined;
  private counter = 0;

  constructor(
    readonly name: string,
    readonly token: string,
    readonly threadId: string,
    private readonly r: Rng,
  ) {}

  /** Highest seq such that every seq from 1 up to it is in the view. */
  lastContiguous(): number {
    let s = 0;
    while (this.view.has(s + 1)) s++;
    return s;
  }

  private record(seq: number, seen: Seen, how: string): void {
    const prev = this.view.get(seq);
    if (prev && (prev.id !== seen.id || prev.clientId !== seen.clientId)) {
      this.violations.push(
        `${this.name}: seq ${seq} was ${JSON.stringify(prev)}, now ${JSON.stringify(seen)} (${how})`,
      );
    }
    this.view.set(seq, seen);
  }

  private text(cid: string): string {
    return `${this.name} says ${cid}`;
  }

  /**
   * One connection's life: hello (with resume), replay, resend unacked, then new sends until
   * `lifetimeMs` passes or `stop.now`; `final` sends nothing new and waits for every ack.
   */
  async connection(
    url: string,
    stop: { now: boolean },
    opts: { lifetimeMs: number; final?: boolean },
  ): Promise<void> {
    const ws = new WebSocket(
      `${url.replace(/^http/, 'ws')}${WS_PATH}`,
      [WS_SUBPROTOCOL, WS_TOKEN_PREFIX + this.token],
      {
        perMessageDeflate: false,
      },
    );
    const inflight = new Set<string>();
    let closed = false;
    let resolveResumed: () => void = () => {};
    const resumed = new Promise<void>((r) => (resolveResumed = r));
    let wake: () => void = () => {};
    const pages = new Map<string, (m: { messages: Message[]; hasMore: boolean }) => void>();
    let needPaging = false;

    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as ServerFrame;
      switch (f.type) {
        case 'welcome':
          if (this.epoch !== undefined && f.epoch !== this.epoch)
            this.violations.push(`${this.name}: epoch changed ${this.epoch} -> ${f.epoch}`);
          this.epoch = f.epoch;
          break;
        case 'message':
          if (f.message.threadId === this.threadId)
            this.record(
              f.message.seq,
              { id: f.message.id, clientId: f.message.clientId ?? null },
              'message',
            );
          break;
        case 'ack': {
          const prev = this.acked.get(f.clientId);
          if (prev && (prev.id !== f.id || prev.seq !== f.seq))
            this.violations.push(
              `${this.name}: ${f.clientId} acked as ${JSON.stringify(prev)} then ${f.id}/${f.seq}`,
            );
          this.acked.set(f.clientId, { id: f.id, seq: f.seq });
          if (f.duplicate) this.stats.duplicates++;
          this.unacked.delete(f.clientId);
          inflight.delete(f.clientId);
          this.record(f.seq, { id: f.id, clientId: f.clientId }, 'ack');
          wake();
          break;
        }
        case 'reload':
          this.stats.reloads++;
          needPaging = true;
          break;
        case 'resumed':
          resolveResumed();
          break;
        case 'history':
          pages.get(f.ref)?.(f);
          break;
        case 'error':
          // rate_limited would mean the test misconfigured the server; anything else is a bug.
          this.violations.push(`${this.name}: error frame ${f.code}: ${f.message}`);
          break;
        case 'ping':
          ws.send(JSON.stringify({ type: 'pong', t: f.t }));
          break;
        default:
          break;
      }
    });
    ws.on('close', () => {
      closed = true;
      resolveResumed();
      wake();
      for (const p of pages.values()) p({ messages: [], hasMore: false });
    });
    ws.on('error', () => {});

    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
        ws.once('unexpected-response', () => reject(new Error('upgrade refused')));
      });
    } catch {
      this.stats.failedConnects++;
      ws.terminate();
      return;
    }
    this.stats.connections++;
    const hello: Record<string, unknown> = { type: 'hello', v: PROTOCOL_VERSION };
    if (this.epoch !== undefined)
      hello.resume = { epoch: this.epoch, threads: { [this.threadId]: this.lastContiguous() } };
    ws.send(JSON.stringify(hello));
    await Promise.race([resumed, sleep(5000)]);
    if (closed) return;

    // Too far behind: page the thread from the last contiguous seq (as the SDK does).
    for (let ref = 0; needPaging && !closed; ref++) {
      const page = await new Promise<{ messages: Message[]; hasMore: boolean }>((resolve) => {
        pages.set(`p${ref}`, resolve);
        ws.send(
          JSON.stringify({
            type: 'history',
            ref: `p${ref}`,
            threadId: this.threadId,
            afterSeq: this.lastContiguous(),
            limit: 100,
          }),
        );
      });
      for (const m of page.messages)
        this.record(m.seq, { id: m.id, clientId: m.clientId ?? null }, 'history');
      needPaging = page.hasMore;
    }

    const send = (cid: string) => {
      inflight.add(cid);
      ws.send(
        JSON.stringify({
          type: 'send',
          threadId: this.threadId,
          clientId: cid,
          text: this.text(cid),
        }),
      );
    };
    for (const cid of this.unacked) {
      this.stats.resent++;
      send(cid);
    }
    const until = Date.now() + opts.lifetimeMs;
    const window = 4;
    for (;;) {
      if (closed) return;
      const done = opts.final ? inflight.size === 0 : stop.now || Date.now() >= until;
      if (done) break;
      if (opts.final && Date.now() >= until) {
        this.violations.push(
          `${this.name}: acks missing after the final resend: ${[...inflight].join(',')}`,
        );
        break;
      }
      if (!opts.final) {
        while (inflight.size < window) {
          const cid = `${this.name}-${++this.counter}`;
          this.sent.add(cid);
          this.unacked.add(cid);
          send(cid);
        }
      }
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    }
    // Leave politely or abruptly, at random.
    if (!opts.final && this.r.chance(0.5)) ws.terminate();
    else ws.close();
    this.stats.drops++;
  }
}
