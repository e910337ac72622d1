/**
 * One visitor socket: the handshake (hello / resume), frame dispatch, rate limit, heartbeat
 * bookkeeping and slow-consumer protection. Frames are handled strictly in arrival order.
 */
import {
  CloseCode,
  ErrorCode,
  PROTOCOL_VERSION,
  RESUME_REPLAY_CAP,
  DEFAULT_PAGE_SIZE,
  parseClientFrame,
  type ClientFrame,
  type HelloFrame,
  type ServerFrame,
} from '@causette/shared';
import type { BusEvent } from '../bus/bus.js';
import type { Socket } from './socket.js';
import { TokenBucket } from './rate-limit.js';
import { ackJson, messageFrameJson } from './frame-json.js';
import type { RealtimeContext } from './context.js';

type Phase = 'awaiting_hello' | 'resuming' | 'live' | 'closed';

let nextId = 0;

export class Connection {
  readonly id = `c${++nextId}`;
  lastSeen = Date.now();
  /** A socket owes its hello within two heartbeat periods of opening, whatever else it sends. */
  private readonly openedAt = this.lastSeen;
  private phase: Phase = 'awaiting_hello';
  private readonly bucket: TokenBucket;
  private strikes = 0;
  // Made when first needed: most sockets sit idle, never touching a thread.
  /** Thread ids verified to belong to this contact. */
  private owned: Set<string> | undefined;
  /** Live events that arrived while the resume replay was being sent. */
  private buffered: BusEvent[] | undefined;
  private busy = false;
  /** Frames that arrived while an earlier one was being handled. */
  private queue: ClientFrame[] | undefined;

  constructor(
    private readonly socket: Socket,
    readonly appId: string,
    readonly contactId: string,
    private readonly ctx: RealtimeContext,
  ) {
    this.bucket = new TokenBucket(ctx.config.rateLimitPerSecond, ctx.config.rateLimitBurst);
    // In the hub from the start, so a socket that never says hello is counted and swept too;
    // events reach it only once it is resuming or live.
    ctx.hub.add(this);
  }

  /** Raw text from the socket. */
  onText(raw: string): void {
    if (this.phase === 'closed') return;
    const now = Date.now();
    this.lastSeen = now;
    if (!this.bucket.take(now)) {
      this.strikes += 1;
      if (this.strikes > this.ctx.config.rateLimitBurst) {
        this.close(CloseCode.RateLimited, 'rate limited');
        return;
      }
      // Name the refused request when possible, so the client knows which one to resend.
      const r = parseClientFrame(raw);
      const ref = r.ok
        ? 'ref' in r.value
          ? r.value.ref
          : 'clientId' in r.value
            ? r.value.clientId
            : undefined
        : r.ref;
      this.error(ErrorCode.RateLimited, 'too many frames; slow down', ref);
      return;
    }
    this.strikes = 0;
    const r = parseClientFrame(raw);
    if (!r.ok) {
      this.error(r.code, r.message, r.ref);
      return;
    }
    if (this.busy) (this.queue ??= []).push(r.value);
    else this.dispatch(r.value);
  }

  onBinary(): void {
    this.lastSeen = Date.now();
    this.error(ErrorCode.BadFrame, 'binary frames are not part of the protocol');
  }

  private dispatch(frame: ClientFrame): void {
    let p: Promise<void> | void;
    try {
      p = this.handle(frame);
    } catch (e) {
      this.fail(e, frame);
      return;
    }
    if (p) {
      this.busy = true;
      p.catch((e: unknown) => this.fail(e, frame)).finally(() => {
        this.busy = false;
        while (!this.busy && this.queue?.length) this.dispatch(this.queue.shift()!);
      });
    }
  }

  private fail(e: unknown, frame: ClientFrame): void {
    this.ctx.logger.error({ err: e, frame: frame.type, conn: this.id }, 'frame handler failed');
    this.error(ErrorCode.Internal, 'internal error', 'ref' in frame ? frame.ref : undefined);
  }

  private handle(f: ClientFrame): Promise<void> | void {
    if (f.type === 'ping') return this.sendFrame({ type: 'pong', t: f.t });
    if (f.type === 'pong') return;
    if (this.phase === 'awaiting_hello') {
      if (f.type !== 'hello') return this.error(ErrorCode.NotReady, 'send hello first');
      return this.hello(f);
    }
    switch (f.type) {
      case 'hello':
        return this.error(ErrorCode.BadFrame, 'hello already received');
      case 'send':
        return this.withThread(f.threadId, f.clientId, () => {
          void this.ctx.messaging
            .post({
              appId: this.appId,
              contactId: this.contactId,
              threadId: f.threadId,
              clientId: f.clientId,
              author: { kind: 'visitor', id: this.contactId },
              text: f.text,
              metadata: f.metadata,
              originId: this.id,
            })
            .then(
              (r) => {
                if (!r.ok) return this.error(r.code, r.message, f.clientId);
                const m = r.message;
                this.sendRaw(
                  ackJson({
                    threadId: m.threadId,
                    clientId: f.clientId,
                    id: m.id,
                    seq: m.seq,
                    ts: m.ts,
                    duplicate: r.duplicate,
                  }),
                );
              },
              (e: unknown) => this.fail(e, f),
            );
        });
      case 'thread.open':
        return this.openThread(f.ref, f.threadId);
      case 'threads.list':
        return this.ctx.store.listThreadViews(this.appId, this.contactId).then((threads) => {
          for (const t of threads) this.own(t.id);
          this.sendFrame({ type: 'threads', ref: f.ref, threads });
        });
      case 'history':
        return this.withThread(f.threadId, f.ref, async () => {
          const q: { beforeSeq?: number; afterSeq?: number; limit: number } = {
            limit: f.limit ?? DEFAULT_PAGE_SIZE,
          };
          if (f.beforeSeq !== undefined) q.beforeSeq = f.beforeSeq;
          if (f.afterSeq !== undefined) q.afterSeq = f.afterSeq;
          const page = await this.ctx.store.history(f.threadId, q);
          this.sendFrame({ type: 'history', ref: f.ref, threadId: f.threadId, ...page });
        });
      case 'read':
        return this.withThread(f.threadId, undefined, async () => {
          const seq = await this.ctx.store.setReadCursor(this.appId, f.threadId, 'visitor', f.seq);
          this.ctx.bus.publish({
            type: 'read',
            appId: this.appId,
            contactId: this.contactId,
            threadId: f.threadId,
            reader: 'visitor',
            seq,
          });
        });
      case 'typing':
        return this.withThread(f.threadId, undefined, () => {
          this.ctx.bus.publish({
            type: 'typing',
            appId: this.appId,
            contactId: this.contactId,
            threadId: f.threadId,
            author: { kind: 'visitor', id: this.contactId },
            on: f.on,
            originId: this.id,
          });
        });
    }
  }

  /** Runs `fn` once the thread is known to be this contact's; otherwise `not_found`. */
  private withThread(
    threadId: string,
    ref: string | undefined,
    fn: () => Promise<void> | void,
  ): Promise<void> | void {
    if (this.owned?.has(threadId)) return fn();
    return this.ctx.store.getThread(this.appId, threadId).then((t) => {
      if (!t || t.contactId !== this.contactId) {
        return this.error(ErrorCode.NotFound, 'thread not found', ref);
      }
      this.own(threadId);
      return fn();
    });
  }

  private async openThread(ref: string, threadId: string | undefined): Promise<void> {
    if (threadId !== undefined) {
      return this.withThread(threadId, ref, async () => {
        const thread = await this.ctx.store.threadView(this.appId, threadId);
        if (thread) this.sendFrame({ type: 'thread', ref, thread });
      });
    }
    const rec = await this.ctx.store.createThread(this.appId, this.contactId);
    this.own(rec.id);
    const thread = await this.ctx.store.threadView(this.appId, rec.id);
    if (!thread) return;
    this.sendFrame({ type: 'thread', ref, thread });
    this.ctx.bus.publish({ type: 'thread', appId: this.appId, contactId: this.contactId, thread });
  }

  private async hello(f: HelloFrame): Promise<void> {
    if (f.v !== PROTOCOL_VERSION) {
      this.error(ErrorCode.UnsupportedVersion, `server speaks protocol v${PROTOCOL_VERSION}`);
      this.close(CloseCode.ProtocolError, 'unsupported protocol version');
      return;
    }
    // Receive events (the hub has this socket since it opened) before reading the replay, so
    // nothing committed in between is missed; they are held back until the replay is sent.
    this.phase = 'resuming';
    const { store } = this.ctx;
    this.sendFrame({
      type: 'welcome',
      v: PROTOCOL_VERSION,
      epoch: store.epoch,
      contactId: this.contactId,
      heartbeatMs: this.ctx.config.heartbeatMs,
      serverTime: Date.now(),
    });
    const sentUpTo = new Map<string, number>();
    let replayed = 0;
    for (const [threadId, seq] of Object.entries(f.resume?.threads ?? {})) {
      const t = await store.getThread(this.appId, threadId);
      if (!t || t.contactId !== this.contactId) {
        this.error(ErrorCode.NotFound, 'thread not found', threadId);
        continue;
      }
      this.own(threadId);
      // A seq past the thread's last was never assigned by this database: a backup restored
      // under the same epoch. The client's copy of the thread cannot be resumed either.
      if (f.resume!.epoch !== store.epoch || seq > t.lastSeq) {
        this.sendFrame({ type: 'reload', threadId, reason: 'epoch_changed', lastSeq: t.lastSeq });
        sentUpTo.set(threadId, t.lastSeq);
        continue;
      }
      if (t.lastSeq - seq > RESUME_REPLAY_CAP) {
        this.sendFrame({ type: 'reload', threadId, reason: 'too_far_behind', lastSeq: t.lastSeq });
        sentUpTo.set(threadId, t.lastSeq);
        continue;
      }
      let after = seq;
      for (;;) {
        const page = await store.history(threadId, { afterSeq: after, limit: 200 });
        for (const message of page.messages) {
          this.sendFrame({ type: 'message', message });
          after = message.seq;
          replayed += 1;
        }
        if (!page.hasMore) break;
      }
      sentUpTo.set(threadId, after);
    }
    this.sendFrame({ type: 'resumed', replayed });
    const held = this.buffered ?? [];
    this.buffered = undefined;
    this.phase = 'live';
    for (const ev of held) {
      if (ev.type === 'message' && ev.message.seq <= (sentUpTo.get(ev.message.threadId) ?? -1))
        continue;
      this.deliver(ev, undefined);
    }
  }

  /** A bus event for this contact; `frame` is the pre-serialized frame shared by all sockets. */
  deliver(ev: BusEvent, frame: string | undefined): void {
    if (this.phase === 'resuming') {
      const held = (this.buffered ??= []);
      held.push(ev);
      if (held.length > 10_000) this.close(CloseCode.SlowConsumer, 'resume backlog too large');
      return;
    }
    if (this.phase !== 'live') return;
    if ('originId' in ev && ev.originId === this.id) return;
    if (ev.type === 'message' || ev.type === 'thread') {
      const tid = ev.type === 'message' ? ev.message.threadId : ev.thread.id;
      this.own(tid);
    }
    this.sendRaw(frame ?? frameText(ev));
  }

  private own(threadId: string): void {
    (this.owned ??= new Set()).add(threadId);
  }

  sendFrame(frame: ServerFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  private sendRaw(data: string): void {
    if (this.writable()) this.socket.sendText(data);
  }

  /** Open and keeping up; a peer whose unsent bytes pass the limit is closed as slow. */
  private writable(): boolean {
    if (this.phase === 'closed') return false;
    if (this.socket.bufferedAmount > this.ctx.config.maxBufferedBytes) {
      this.close(CloseCode.SlowConsumer, 'slow consumer');
      return false;
    }
    return true;
  }

  private error(code: string, message: string, ref?: string): void {
    this.sendFrame({ type: 'error', code, message, ...(ref === undefined ? {} : { ref }) });
  }

  /**
   * Heartbeat tick from the hub: ping (`ping` is the frame, the same bytes for every socket
   * of a sweep), or drop a peer silent for two periods, or one that has not said hello
   * within two periods of opening (pings and bad frames do not keep it open).
   */
  heartbeat(now: number, ping: Buffer): void {
    if (this.phase === 'closed') return;
    const window = 2 * this.ctx.config.heartbeatMs;
    if (now - this.lastSeen > window) {
      this.close(CloseCode.HeartbeatTimeout, 'heartbeat timeout');
      return;
    }
    // Before the handshake the client owes a hello, not a pong: nothing to ping yet.
    if (this.phase === 'awaiting_hello') {
      if (now - this.openedAt > window) this.close(CloseCode.HeartbeatTimeout, 'no hello');
      return;
    }
    if (this.writable()) this.socket.sendShared(ping);
  }

  close(code: number, reason: string): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.ctx.hub.remove(this);
    // A peer that does not read never answers the close frame: the socket layer drops it
    // CLOSE_DEADLINE_MS after this (ws-adapter.ts).
    try {
      this.socket.close(code, reason);
    } catch {
      this.socket.terminate();
    }
  }

  /** The socket closed on its own. */
  onClosed(): void {
    this.phase = 'closed';
    this.ctx.hub.remove(this);
  }
}

/** The JSON text of that frame (messages, the hot case, written out field by field). */
export function frameText(ev: BusEvent): string {
  return ev.type === 'message' ? messageFrameJson(ev.message) : JSON.stringify(toFrame(ev));
}

/** The frame a bus event becomes on a visitor socket. */
export function toFrame(ev: BusEvent): ServerFrame {
  switch (ev.type) {
    case 'message':
      return { type: 'message', message: ev.message };
    case 'read':
      return { type: 'read', threadId: ev.threadId, reader: ev.reader, seq: ev.seq };
    case 'typing':
      return { type: 'typing', threadId: ev.threadId, author: ev.author, on: ev.on };
    case 'thread':
      return { type: 'thread', thread: ev.thread };
  }
}
