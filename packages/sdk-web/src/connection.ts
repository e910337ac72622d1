/**
 * The connection state machine: session refresh, socket, handshake, heartbeat, reconnect with
 * backoff, and the browser's online/offline/visibility signals. All connection state lives here
 * and every change goes through `setState`.
 */
import {
  parseServerFrame,
  WS_PATH,
  WS_SUBPROTOCOL,
  WS_TOKEN_PREFIX,
  type ClientFrame,
  type HelloFrame,
  type ServerFrame,
} from '@causette/shared';
import type { CodedError } from './http.js';
import { listen } from './listen.js';
import { State, type Reason } from './states.js';
import type { ClientEvents, Timers, WebSocketCtor, WebSocketLike } from './types.js';

export interface ConnectionOptions {
  url: string;
  WebSocket: WebSocketCtor;
  timers: Timers;
  /** Delay before retry number `attempt` (backoff with jitter). */
  delay(attempt: number): number;
  heartbeatMs: number;
  /** A fresh session token for this attempt (throws a CodedError). */
  session(): Promise<string>;
  /** The first frame to send once the socket is open. */
  hello(): HelloFrame;
  /** Every parsed frame except ping/pong (which the connection answers itself). */
  onFrame(frame: ServerFrame): void;
  onState(event: ClientEvents['state']): void;
  onError(code: string, message: string): void;
}

export interface Connection {
  readonly state: State;
  /** Begin connecting (no-op when already active). */
  start(): void;
  /** Close for good with `reason` (true if it was active); `start()` may be called again. */
  stop(reason?: Reason): boolean;
  /** Drop the socket and reconnect at once (identity changed). No-op when not active. */
  restart(reason: Reason): void;
  /** Send on the open socket; false when there is none. */
  send(frame: ClientFrame): boolean;
}

export function createConnection(o: ConnectionOptions): Connection {
  // Called unbound: a browser's setTimeout throws "Illegal invocation" with another `this`.
  const { setTimeout: later, clearTimeout: cancel } = o.timers;
  const wsUrl = o.url.replace(/^http/, 'ws') + WS_PATH;
  let state: State = State.Idle;
  let ws: WebSocketLike | undefined;
  let gen = 0; // bumped whenever the current attempt is abandoned; stale callbacks check it
  let attempt = 0;
  let waiting = false; // a retry timer is pending (no attempt in flight)
  let period = o.heartbeatMs;
  let timer: unknown; // the retry wait (no socket) or the next ping (socket): never both
  let deadTimer: unknown;
  let undo: (() => void)[] = [];

  const active = () => state !== State.Idle && state !== State.Closed;

  const setState = (newState: State, reason: Reason) => {
    const oldState = state;
    state = newState;
    if (oldState !== newState) o.onState({ oldState, newState, reason });
  };

  const send = (frame: ClientFrame) => {
    const ok = ws?.readyState === 1;
    if (ok) ws?.send(JSON.stringify(frame));
    return ok;
  };

  /** Forget the current socket and timers without waiting for a close event. */
  const drop = () => {
    gen++;
    waiting = false;
    cancel(timer);
    cancel(deadTimer);
    // `onerror` stays (a no-op): `ws` reports closing a connecting socket as an error event.
    if (ws) ws.onopen = ws.onmessage = ws.onclose = null;
    ws?.close();
    ws = undefined;
  };

  /** The link is lost: schedule the next attempt with backoff. */
  const lost = (reason: Reason) => {
    drop();
    if (!active()) return;
    setState(State.Reconnecting, reason);
    waiting = true;
    timer = later(open, o.delay(attempt++));
  };

  /** Any frame proves the link alive; silence for `ms` means it is dead. */
  const alive = (ms = 2 * period) => {
    cancel(deadTimer);
    deadTimer = later(() => lost('heartbeat'), ms);
  };

  const ping = () => {
    timer = later(() => {
      send({ type: 'ping', t: Date.now() });
      ping();
    }, period);
  };

  /** Drop whatever is in progress and try again at once, from the first backoff step. */
  const restart = (reason: Reason) => {
    if (!active()) return;
    drop();
    setState(State.Reconnecting, reason);
    attempt = 0;
    void open();
  };
  /** Skip the rest of a backoff wait (the network or the page is back). */
  const retryNow = () => waiting && restart('closed'); // same state: no event;

  async function open() {
    waiting = false;
    const my = gen;
    // The session request and the handshake too must finish within two periods: a request
    // stuck on a dead keep-alive connection must not stall reconnecting for good.
    alive();
    let s: WebSocketLike;
    try {
      const token = await o.session();
      if (my !== gen) return;
      s = ws = new o.WebSocket(wsUrl, [WS_SUBPROTOCOL, WS_TOKEN_PREFIX + token]);
    } catch (e) {
      if (my !== gen) return;
      const { code, message, status = 0 } = e as CodedError;
      // A refused origin, an unknown app or a refused token will not get better by retrying.
      const fatal = status >= 400 && status < 405;
      // Network failures (coded) are expected while offline; a bug (no WebSocket) is not.
      if (fatal || !code) o.onError(code ?? 'unavailable', message);
      return fatal ? stop('fatal') : lost('failed');
    }
    s.onopen = () => send(o.hello());
    s.onerror = () => {};
    // CloseCode.ProtocolError (4002): this server does not speak our protocol version (its
    // `unsupported_version` error frame came first). A literal: importing CloseCode would pull
    // the whole table into the bundle.
    s.onclose = (ev) => void (ev.code === 4002 ? stop('fatal') : lost('closed'));
    s.onmessage = (ev) => {
      alive();
      const r = parseServerFrame(String(ev.data));
      if (!r.ok) return o.onError(r.code, r.message);
      const f = r.value;
      if (f.type === 'ping') send({ type: 'pong', t: f.t });
      if (f.type === 'ping' || f.type === 'pong') return;
      const welcome = f.type === 'welcome';
      if (welcome) {
        attempt = 0;
        period = Math.min(o.heartbeatMs, f.heartbeatMs);
        ping();
      }
      o.onFrame(f);
      if (welcome) setState(State.Connected, 'welcome');
    };
  }

  function stop(reason: Reason = 'disconnect') {
    const was = active();
    drop();
    for (const u of undo) u();
    undo = [];
    if (was) setState(State.Closed, reason);
    return was;
  }

  return {
    get state() {
      return state;
    },
    send,
    stop,
    start() {
      if (active()) return;
      const doc = globalThis.document as Document | undefined;
      undo = [
        listen(globalThis, 'online', retryNow),
        listen(globalThis, 'offline', () => waiting || lost('offline')),
        // A page back from the background retries at once instead of finishing its backoff.
        listen(doc, 'visibilitychange', () => doc?.hidden || retryNow()),
      ];
      attempt = 0;
      setState(State.Connecting, 'connect');
      void open();
    },
    restart,
  };
}
