/**
 * A fake Causette server for unit tests: it speaks the real protocol (frames parsed with the
 * shared schemas) over an in-memory WebSocket class and a `fetch` function, so tests need no
 * port. Tests drive the network (drop, go silent, refuse) and the agent side directly.
 */
import {
  parseClientFrame,
  WS_SUBPROTOCOL,
  WS_TOKEN_PREFIX,
  type ClientFrame,
  type Message,
  type ServerFrame,
  type Thread,
} from '@causette/shared';
import type { WebSocketCtor } from '../types.js';
import { FakeSocket } from './fake-socket.js';

export { FakeSocket };

interface StoredThread {
  id: string;
  contactId: string;
  messages: Message[];
  visitorReadSeq: number;
  agentReadSeq: number;
  status: 'open' | 'closed';
}

let ids = 0;
const id = (p: string) => `${p}${++ids}`;

/** The WebSocket class a client is given: every instance connects to `server`. */
function socketClass(server: FakeServer): WebSocketCtor {
  return class extends FakeSocket {
    constructor(url: string, protocols: string[]) {
      super(server, url, protocols);
      server.accept(this);
    }
  };
}

export class FakeServer {
  readonly appId = 'app1';
  epoch = 'epoch-1';
  heartbeatMs = 25_000;
  sockets = new Set<FakeSocket>();
  /** Every socket ever opened (the last one is usually the live one). */
  opened: FakeSocket[] = [];
  threads = new Map<string, StoredThread>();
  /** When false, session requests fail with a network error and sockets never open. */
  online = true;
  /** When true, the server swallows everything (a dead TCP link): no frames, no close. */
  silent = false;
  /** Client ids whose sends are refused with this error code (once each). */
  refuse = new Map<string, string>();
  /** The next this-many send frames are dropped unanswered (a rate limiter without ref). */
  swallowSends = 0;
  /** Hold acks (and broadcasts) of sends until `release()`. */
  holdAcks = false;
  private held: (() => void)[] = [];
  sessions: { visitorToken?: string; userToken?: string }[] = [];
  private merged = new Set<string>();

  readonly WebSocket: WebSocketCtor;
  readonly fetch: typeof fetch;

  constructor() {
    this.WebSocket = socketClass(this);
    this.fetch = (input, init) => this.http(String(input), init);
  }

  // ---- HTTP ------------------------------------------------------------------------------

  /** The next request waits for this (tests make one answer arrive late). */
  gate: Promise<void> = Promise.resolve();

  private async http(url: string, init?: RequestInit): Promise<Response> {
    if (!this.online) throw new TypeError('fetch failed');
    const gate = this.gate;
    this.gate = Promise.resolve();
    await gate;
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    const err = (status: number, code: string) => json(status, { error: { code, message: code } });
    const path = new URL(url).pathname;
    if (path === `/v1/apps/${this.appId}/settings`) {
      return json(200, {
        appId: this.appId,
        name: 'Acme',
        greeting: 'Hi!',
        awayMessage: 'Back soon',
        expectedReplyTime: 'within an hour',
        preChatForm: { enabled: false, fields: [] },
      });
    }
    if (path !== '/v1/session' || init?.method !== 'POST') return err(404, 'not_found');
    const req = JSON.parse(String(init.body)) as { visitorToken?: string; userToken?: string };
    this.sessions.push(req);
    let contactId: string | undefined;
    if (req.visitorToken !== undefined) {
      contactId = req.visitorToken.replace(/^tok-/, '');
      if (!req.visitorToken.startsWith('tok-') || this.merged.has(contactId)) {
        return err(401, 'invalid_visitor_token');
      }
    }
    if (req.userToken !== undefined) {
      if (!req.userToken.startsWith('jwt-')) return err(401, 'invalid_token');
      const user = `user-${req.userToken.slice(4)}`;
      if (contactId && !contactId.startsWith('user-')) {
        for (const t of this.threads.values()) if (t.contactId === contactId) t.contactId = user;
        this.merged.add(contactId);
      }
      contactId = user;
    }
    contactId ??= id('anon-');
    return json(200, {
      token: `tok-${contactId}`,
      contactId,
      identified: contactId.startsWith('user-'),
      expiresAt: Date.now() + 1e9,
    });
  }

  // ---- WebSocket -------------------------------------------------------------------------

  /** A client constructed a socket: open it (or not) on the next tick, like a network. */
  accept(s: FakeSocket): void {
    this.opened.push(s);
    const token = s.protocols.find((p) => p.startsWith(WS_TOKEN_PREFIX));
    queueMicrotask(() => {
      if (!this.online || this.silent) return; // never opens (the dead timer must fire)
      if (s.protocols[0] !== WS_SUBPROTOCOL || !token?.startsWith(WS_TOKEN_PREFIX + 'tok-')) {
        s.readyState = 3;
        return s.onclose?.({ code: 1006, reason: '' });
      }
      s.contactId = token.slice(WS_TOKEN_PREFIX.length + 4);
      s.readyState = 1;
      this.sockets.add(s);
      s.onopen?.({});
    });
  }

  push(s: FakeSocket, frame: ServerFrame): void {
    if (!this.silent) s.deliver(JSON.stringify(frame));
  }

  /** Send raw text (malformed frames) to every open socket. */
  raw(text: string): void {
    for (const s of this.sockets) s.deliver(text);
  }

  /** Every live socket of this contact (the sender excluded when given). */
  private fanout(contactId: string, frame: ServerFrame, except?: FakeSocket): void {
    for (const s of this.sockets) {
      if (s.contactId === contactId && s.helloDone && s !== except) this.push(s, frame);
    }
  }

  /** Network loss: every socket closes abnormally. */
  drop(code = 1006): void {
    for (const s of [...this.sockets]) s.close(code, 'dropped');
  }

  release(): void {
    const held = this.held;
    this.held = [];
    for (const f of held) f();
  }

  onText(s: FakeSocket, raw: string): void {
    if (this.silent || s.readyState !== 1) return;
    const r = parseClientFrame(raw);
    if (!r.ok) throw new Error(`client sent an invalid frame: ${r.message}`);
    const f = r.value;
    s.received.push(f);
    if (f.type === 'ping') return this.push(s, { type: 'pong', t: f.t });
    if (f.type === 'pong') return;
    if (!s.helloDone) {
      if (f.type !== 'hello')
        return this.push(s, { type: 'error', code: 'not_ready', message: '' });
      return this.hello(s, f);
    }
    const own = (threadId: string, ref?: string) => {
      const t = this.threads.get(threadId);
      if (t && t.contactId === s.contactId) return t;
      this.push(s, {
        type: 'error',
        code: 'not_found',
        message: 'thread not found',
        ...(ref && { ref }),
      });
      return undefined;
    };
    switch (f.type) {
      case 'hello':
        return;
      case 'send': {
        const t = own(f.threadId, f.clientId);
        if (!t) return;
        if (this.swallowSends > 0 && this.swallowSends--) return;
        const code = this.refuse.get(f.clientId);
        if (code) {
          this.refuse.delete(f.clientId);
          return this.push(s, { type: 'error', code, message: code, ref: f.clientId });
        }
        const commit = () => {
          let m = t.messages.find((x) => x.clientId === f.clientId);
          const duplicate = !!m;
          if (!m) {
            m = this.append(t, { kind: 'visitor', id: s.contactId }, f.text, f.clientId);
            this.fanout(t.contactId, { type: 'message', message: m }, s);
          }
          this.push(s, {
            type: 'ack',
            threadId: t.id,
            clientId: f.clientId,
            id: m.id,
            seq: m.seq,
            ts: m.ts,
            duplicate,
          });
        };
        if (this.holdAcks) this.held.push(commit);
        else commit();
        return;
      }
      case 'thread.open': {
        if (f.threadId !== undefined) {
          const t = own(f.threadId, f.ref);
          if (t) this.push(s, { type: 'thread', ref: f.ref, thread: this.view(t) });
          return;
        }
        const t: StoredThread = {
          id: id('t'),
          contactId: s.contactId,
          messages: [],
          visitorReadSeq: 0,
          agentReadSeq: 0,
          status: 'open',
        };
        this.threads.set(t.id, t);
        return this.push(s, { type: 'thread', ref: f.ref, thread: this.view(t) });
      }
      case 'threads.list': {
        const mine = [...this.threads.values()].filter((t) => t.contactId === s.contactId);
        return this.push(s, {
          type: 'threads',
          ref: f.ref,
          threads: mine.map((t) => this.view(t)),
        });
      }
      case 'history': {
        const t = own(f.threadId, f.ref);
        if (!t) return;
        const limit = f.limit ?? 50;
        let page: Message[];
        let hasMore: boolean;
        if (f.afterSeq !== undefined) {
          const after = t.messages.filter((m) => m.seq > f.afterSeq!);
          page = after.slice(0, limit);
          hasMore = after.length > limit;
        } else {
          const before = t.messages.filter((m) => m.seq < (f.beforeSeq ?? Infinity));
          page = before.slice(-limit);
          hasMore = before.length > limit;
        }
        return this.push(s, {
          type: 'history',
          ref: f.ref,
          threadId: t.id,
          messages: page,
          hasMore,
        });
      }
      case 'read': {
        const t = own(f.threadId);
        if (!t) return;
        t.visitorReadSeq = Math.max(t.visitorReadSeq, f.seq);
        return this.fanout(t.contactId, {
          type: 'read',
          threadId: t.id,
          reader: 'visitor',
          seq: t.visitorReadSeq,
        });
      }
      case 'typing': {
        const t = own(f.threadId);
        if (t)
          this.fanout(
            t.contactId,
            { type: 'typing', threadId: t.id, author: { kind: 'visitor' }, on: f.on },
            s,
          );
        return;
      }
    }
  }

  private hello(s: FakeSocket, f: Extract<ClientFrame, { type: 'hello' }>): void {
    s.helloDone = true;
    this.push(s, {
      type: 'welcome',
      v: 1,
      epoch: this.epoch,
      contactId: s.contactId,
      heartbeatMs: this.heartbeatMs,
      serverTime: Date.now(),
    });
    let replayed = 0;
    for (const [threadId, seq] of Object.entries(f.resume?.threads ?? {})) {
      const t = this.threads.get(threadId);
      if (!t) continue;
      if (f.resume?.epoch !== this.epoch) {
        this.push(s, {
          type: 'reload',
          threadId,
          reason: 'epoch_changed',
          lastSeq: this.lastSeq(t),
        });
        continue;
      }
      for (const m of t.messages.filter((x) => x.seq > seq)) {
        this.push(s, { type: 'message', message: m });
        replayed++;
      }
    }
    this.push(s, { type: 'resumed', replayed });
  }

  // ---- agent / test helpers ----------------------------------------------------------------

  lastSeq(t: StoredThread): number {
    return t.messages.at(-1)?.seq ?? 0;
  }

  view(t: StoredThread): Thread {
    const lastMessage = t.messages.at(-1) ?? null;
    return {
      id: t.id,
      status: t.status,
      lastSeq: this.lastSeq(t),
      visitorReadSeq: t.visitorReadSeq,
      agentReadSeq: t.agentReadSeq,
      unread: t.messages.filter((m) => m.author.kind !== 'visitor' && m.seq > t.visitorReadSeq)
        .length,
      lastMessage,
      createdAt: 1,
      updatedAt: lastMessage?.ts ?? 1,
    };
  }

  append(t: StoredThread, author: Message['author'], text: string, clientId: string | null) {
    const m: Message = {
      id: id('m'),
      threadId: t.id,
      seq: this.lastSeq(t) + 1,
      clientId,
      author,
      text,
      ts: Date.now(),
    };
    t.messages.push(m);
    return m;
  }

  /** An agent reply: stored, then pushed to the contact's sockets unless `quiet`. */
  reply(threadId: string, text: string, { quiet = false } = {}): Message {
    const t = this.threads.get(threadId);
    if (!t) throw new Error(`no thread ${threadId}`);
    const m = this.append(t, { kind: 'agent', name: 'Ana' }, text, null);
    if (!quiet) this.fanout(t.contactId, { type: 'message', message: m });
    return m;
  }

  /** Push a stored message as-is (tests gaps by pushing out of order). */
  pushMessage(m: Message): void {
    const t = this.threads.get(m.threadId);
    if (t) this.fanout(t.contactId, { type: 'message', message: m });
  }

  /** Text of a thread's stored messages, in seq order. */
  texts(threadId: string): string[] {
    return (this.threads.get(threadId)?.messages ?? []).map((m) => m.text);
  }

  get live(): FakeSocket | undefined {
    return [...this.sockets].at(-1);
  }
}
