/** `createClient()`: the headless chat client (threads, messages, outbox, identity, events). */
import {
  MAX_RESUME_THREADS,
  newId,
  PROTOCOL_VERSION,
  type ClientFrame,
  type HelloFrame,
  type ServerFrame,
  type Thread,
} from '@causette/shared';
import { backoff as delay, DEFAULT_BACKOFF } from './backoff.js';
import { createConnection } from './connection.js';
import { createEmitter } from './emitter.js';
import { codedError, getSettings, postSession, type CodedError } from './http.js';
import { createOutbox } from './outbox.js';
import { State } from './states.js';
import { defaultStorage } from './storage.js';
import {
  addMessage,
  advance,
  blank,
  toLocal,
  viewOf,
  type Stored,
  type ThreadModel,
} from './thread-model.js';
import type { CausetteClient, ClientEvents, ClientOptions } from './types.js';

type Request = Extract<ClientFrame, { ref: string }>;
/** The answer type of each request type (fixed by the protocol; matched at run time by ref). */
interface Answers {
  'thread.open': 'thread';
  'threads.list': 'threads';
  history: 'history';
}
type Reply<R extends Request> = Extract<ServerFrame, { type: Answers[R['type']] }>;
/** An unanswered request: the frame (resent after a reconnect) and its promise's settlers. */
type Pending = [Request, (f: ServerFrame) => void, (e: CodedError) => void];

/**
 * Create a client. Nothing touches the network until `connect()`.
 * @example
 * const client = createClient({ appId: 'app_123', url: 'https://chat.example.com' });
 * client.on('message', ({ message }) => console.log(message.author.kind, message.text));
 * client.connect();
 * const thread = await client.openThread();
 * thread.send('Hello!');
 */
export function createClient(opts: ClientOptions): CausetteClient {
  const {
    appId,
    storage = defaultStorage(),
    timers = { setTimeout, clearTimeout },
    random = Math.random,
    backoff = DEFAULT_BACKOFF,
  } = opts;
  const url = opts.url.replace(/\/$/, '');
  const f = opts.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const sessionKey = `causette:${appId}:token`;
  const ev = createEmitter<ClientEvents>();
  const fail = (code: string, message: string) => ev.emit('error', { code, message });

  let userToken = opts.userToken;
  let epoch: string | undefined;
  let ready = false;
  const threads = new Map<string, ThreadModel>();
  const requests = new Map<string, Pending>();

  // ---- session --------------------------------------------------------------------------

  /** Bumped by every exchange and by logout: only the latest may store its token. */
  let tokenGen = 0;

  /**
   * Storage that fails (private mode, quota, blocked IndexedDB) costs the session's continuity
   * across page loads, never the chat: a read answers nothing and the error is reported.
   */
  const tolerate = <T>(p: Promise<T>): Promise<T | undefined> =>
    p.catch((e: unknown) => void fail('storage_failed', String(e)));

  /** Exchange the stored token (and a JWT) for a fresh session token, and store it. */
  const exchange = async (jwt?: string) => {
    const my = ++tokenGen;
    const stored = await tolerate(storage.get(sessionKey));
    const ask = (visitorToken?: string) =>
      postSession(f, url, {
        appId,
        ...(visitorToken && { visitorToken }),
        ...(jwt && { userToken: jwt }),
      });
    let answer;
    try {
      answer = await ask(stored);
    } catch (e) {
      if (!stored || (e as CodedError).code !== 'invalid_visitor_token') throw e;
      // The stored session is no longer accepted (expired, or its contact merged): go on
      // without it, with the same JWT. Only this stale token is removed, not a newer one.
      if ((await tolerate(storage.get(sessionKey))) === stored) {
        await tolerate(storage.delete(sessionKey));
      }
      answer = await ask();
    }
    const { token } = answer;
    // An answer that comes late (its connection attempt was abandoned, identify() or logout()
    // came after it) must not overwrite the newer outcome.
    if (my === tokenGen) await tolerate(storage.set(sessionKey, token));
    return token;
  };

  /** A token before every attempt; a refused JWT or stored token falls back to anonymous. */
  const session = async (): Promise<string> => {
    try {
      const token = await exchange(userToken);
      userToken = undefined;
      return token;
    } catch (e) {
      const err = e as CodedError;
      if (err.status !== 401) throw err;
      if (userToken) {
        fail(err.code, err.message);
        userToken = undefined;
        return session();
      }
      await tolerate(storage.delete(sessionKey));
      return exchange();
    }
  };

  // ---- requests (ref -> answer) -----------------------------------------------------------

  const send = (frame: ClientFrame) => ready && conn.send(frame);

  /** Send a request now or once ready; unanswered ones are resent after a reconnect. */
  const request = <R extends Request>(frame: R) =>
    new Promise<Reply<R>>((resolve, reject) => {
      requests.set(frame.ref, [frame, resolve as (f: ServerFrame) => void, reject]);
      send(frame);
    });

  const answer = (ref: string | undefined, r: ServerFrame) => {
    const p = requests.get(ref!);
    requests.delete(ref!);
    if (p && r.type === 'error') p[2](codedError(r.code, r.message));
    else p?.[1](r);
    return !!p;
  };

  const history = (t: ThreadModel, page: { beforeSeq: number } | { afterSeq: number }) =>
    request({
      type: 'history',
      ref: newId(),
      threadId: t.id, // pages of DEFAULT_PAGE_SIZE (the server's default limit)
      ...page,
    });

  // ---- threads ----------------------------------------------------------------------------

  const emitUnread = ({ info }: ThreadModel) => {
    let total = 0;
    for (const t of threads.values()) total += t.info.unread;
    ev.emit('unread', { threadId: info.id, count: info.unread, total });
  };

  /** Load the page before `beforeSeq`: the newest page first (makes it loaded), then older. */
  const page = async (t: ThreadModel, beforeSeq: number) => {
    const h = await history(t, { beforeSeq });
    for (const m of h.messages) addMessage(t, toLocal(m));
    t.oldest = h.messages[0]?.seq ?? beforeSeq;
    t.hasMoreOlder = h.hasMore;
    if (t.cursor < 0) t.cursor = beforeSeq - 1;
    fill(t);
    ev.emit('thread', { thread: t.info });
  };
  const load = (t: ThreadModel) =>
    (t.loading ??= page(t, t.info.lastSeq + 1).finally(() => (t.loading = undefined)));

  /** Fetch what lies after the contiguous cursor, page by page, until the hole is closed. */
  function fill(t: ThreadModel) {
    if (t.filling || !advance(t)) return;
    t.filling = true;
    const from = t.cursor;
    history(t, { afterSeq: from }).then(
      (h) => {
        for (const m of h.messages) incoming(m);
        t.filling = false;
        // Nothing more to fetch yet the hole remains: the server has no such seqs; move on.
        if (advance(t) && t.cursor === from && !h.hasMore) t.cursor = t.maxSeq;
        fill(t);
      },
      () => (t.filling = false),
    );
  }

  /** A stored message: live, replayed, gap fill, our own broadcast, or our ack. */
  function incoming(m: Stored) {
    const lm = toLocal(m);
    // Ours if it completes an outbox entry (else another tab's, or already known by seq).
    const mine = outbox.confirm(lm);
    const t = threads.get(m.threadId);
    if (t && !addMessage(t, lm)) return;
    if (!mine) ev.emit('message', { threadId: m.threadId, message: lm });
    if (t) {
      emitUnread(t);
      fill(t);
    }
  }

  /** Take the server's view of a thread (an answer or a push). */
  const upsert = (info: Thread): ThreadModel => {
    const t = threads.get(info.id);
    if (!t) {
      const id = info.id;
      const model: ThreadModel = {
        id,
        info,
        ...blank(),
        get unread() {
          return model.info.unread;
        },
        get messages() {
          return viewOf(model, outbox.entries.values());
        },
        loadOlder: async () => void (model.hasMoreOlder && (await page(model, model.oldest))),
        send(text, o) {
          const msg = {
            clientId: newId(),
            threadId: id,
            author: { kind: 'visitor' as const },
            text,
            ts: Date.now(),
            status: 'pending' as const,
            ...(o?.metadata && { metadata: o.metadata }),
          };
          // Written to storage before it may be sent (the outbox flushes after the write).
          void outbox.add(msg);
          model.view = undefined;
          return msg;
        },
        retry: outbox.retry,
        markRead() {
          const i = model.info;
          send({ type: 'read', threadId: id, seq: i.lastSeq });
          i.visitorReadSeq = i.lastSeq;
          i.unread = 0;
          emitUnread(model);
        },
        setTyping: (on) => void send({ type: 'typing', threadId: id, on }),
      };
      threads.set(id, model);
      emitUnread(model);
      return model;
    }
    t.info = info;
    emitUnread(t);
    return t;
  };

  // ---- outbox -----------------------------------------------------------------------------

  const outbox = createOutbox({
    storage,
    key: `causette:${appId}:outbox`,
    send,
    onError: fail,
    later: (fn, ms) => timers.setTimeout(fn, ms),
    onStatus: (m) => {
      const t = threads.get(m.threadId);
      if (t) t.view = undefined;
      ev.emit('message:status', { threadId: m.threadId, message: m });
    },
  });

  // ---- frames -----------------------------------------------------------------------------

  const onFrame = (fr: ServerFrame) => {
    const t = threads.get('threadId' in fr ? fr.threadId : '');
    switch (fr.type) {
      case 'welcome':
        // Handshake done: resend unanswered requests, flush the outbox. No need to wait for
        // `resumed`: replayed, live and gap-filled messages share one seq bookkeeping.
        epoch = fr.epoch;
        ready = true;
        for (const [frame] of requests.values()) send(frame);
        return outbox.flush();
      case 'ack': {
        // Our message as stored (unless its broadcast came first and completed it already).
        const m = outbox.entries.get(fr.clientId);
        return m && incoming({ ...m, id: fr.id, seq: fr.seq, ts: fr.ts });
      }
      case 'message':
        return incoming(fr.message);
      case 'thread':
        upsert(fr.thread);
        if (!answer(fr.ref, fr)) ev.emit('thread', { thread: fr.thread });
        return;
      case 'read':
        if (t && fr.reader === 'visitor') {
          t.info.visitorReadSeq = fr.seq;
          if (fr.seq >= t.info.lastSeq) t.info.unread = 0;
          emitUnread(t);
        }
        return ev.emit('read', fr);
      case 'typing':
        return ev.emit('typing', fr);
      case 'reload':
        // Replay impossible (too far behind, or a replaced database): reload the newest page.
        // Unsent messages live in the outbox, so they survive this.
        if (t && t.cursor >= 0) {
          Object.assign(t, blank());
          t.info.lastSeq = fr.lastSeq;
          load(t).catch(() => {});
        }
        return;
      case 'error': {
        if (answer(fr.ref, fr)) return;
        const m = outbox.entries.get(fr.ref!);
        // A send refused, or a frame the server cannot name (rate limit): maybe a lost send.
        if (m || !fr.ref) outbox.refused(m, fr.code, fr.message);
        if (!m) fail(fr.code, fr.message);
        return;
      }
      case 'threads':
      case 'history':
        answer(fr.ref, fr);
    }
  };

  /** The first frame: on a reconnect, the last contiguous seq of every loaded thread. */
  const hello = (): HelloFrame => {
    const cursors: Record<string, number> = {};
    let n = 0;
    for (const t of threads.values()) {
      if (t.cursor >= 0 && n++ < MAX_RESUME_THREADS) cursors[t.id] = t.cursor;
    }
    return {
      type: 'hello',
      v: PROTOCOL_VERSION,
      ...(epoch && n && { resume: { epoch, threads: cursors } }),
    };
  };

  const conn = createConnection({
    url,
    WebSocket: opts.WebSocket ?? globalThis.WebSocket,
    timers,
    delay: (n) => delay(n, { ...backoff, random }),
    heartbeatMs: opts.heartbeatMs ?? 5_000,
    session,
    hello,
    onFrame,
    onError: fail,
    onState: (e) => {
      if (e.newState !== State.Connected) {
        ready = false;
        outbox.lost();
      }
      ev.emit('state', e);
    },
  });

  // ---- public API ---------------------------------------------------------------------------

  function listThreads(): Promise<Thread[]> {
    return request({ type: 'threads.list', ref: newId() }).then((r) => {
      r.threads.forEach(upsert);
      return r.threads;
    });
  }

  return {
    get state() {
      return conn.state;
    },
    connect: conn.start,
    disconnect: () => conn.stop(),
    on: ev.on,
    getSettings: () => getSettings(f, url, appId),
    listThreads,
    async openThread(id) {
      const r = await request({
        type: 'thread.open',
        ref: newId(),
        ...(id && { threadId: id }),
      });
      const t = upsert(r.thread);
      if (t.cursor < 0) await load(t);
      return t;
    },
    async identify(jwt) {
      // A refused JWT rejects (status 401, code invalid_token / token_expired); nothing changes.
      await exchange(jwt);
      conn.restart('identity');
    },
    async logout() {
      const active = conn.stop('identity');
      for (const [, , reject] of requests.values())
        reject(codedError('unauthorized', 'logged out'));
      // Handles the app still holds must not show the previous visitor's messages.
      for (const t of threads.values()) {
        t.view = [];
        t.info.lastMessage = null;
      }
      requests.clear();
      threads.clear();
      epoch = userToken = undefined;
      tokenGen++;
      await Promise.all([outbox.clear(), storage.delete(sessionKey)]);
      if (active) conn.start();
    },
  };
}
