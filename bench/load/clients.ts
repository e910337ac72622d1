/**
 * The load generator's side of each protocol: connect, join a 2-party thread, send one message,
 * recognise acks, deliveries and heartbeats. Frames are sniffed by prefix, not parsed, so the
 * generator costs the same for every server and is not the bottleneck.
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION, WS_PATH, WS_SUBPROTOCOL, WS_TOKEN_PREFIX } from '@causette/shared';

export type Protocol = 'raw' | 'socketio' | 'causette';

export interface Endpoint {
  protocol: Protocol;
  /** http://127.0.0.1:port */
  url: string;
  appId?: string;
  /** Source address for outgoing sockets (spreads ephemeral ports over 127.0.0.x). */
  localAddress?: string;
}

/** One connected client with its thread. */
export class Client {
  onAck: () => void = () => {};
  onMessage: () => void = () => {};
  closed = false;
  private ackId = 0;
  private waiters: ((raw: string) => boolean)[] = [];

  constructor(
    readonly ws: WebSocket,
    readonly protocol: Protocol,
    public threadId = '',
  ) {
    ws.on('message', (data) => {
      const s = data.toString();
      if (protocol === 'socketio') {
        if (s.startsWith('43')) this.onAck();
        else if (s.startsWith('42["message"')) this.onMessage();
        else if (s === '2') ws.send('3');
      } else if (s.startsWith('{"type":"ack"')) this.onAck();
      else if (s.startsWith('{"type":"message"')) this.onMessage();
      else if (s.startsWith('{"type":"ping"')) ws.send(`{"type":"pong","t":${Date.now()}}`);
      if (this.waiters.length > 0) this.waiters = this.waiters.filter((w) => !w(s));
    });
    ws.on('close', () => (this.closed = true));
    ws.on('error', () => (this.closed = true));
  }

  send(clientId: string, text: string): void {
    if (this.protocol === 'socketio') {
      const body = JSON.stringify(['send', { threadId: this.threadId, clientId, text }]);
      this.ws.send(`42${++this.ackId}${body}`);
    } else {
      this.ws.send(JSON.stringify({ type: 'send', threadId: this.threadId, clientId, text }));
    }
  }

  /** Resolves with the first frame for which `pred` holds. */
  wait(pred: (raw: string) => boolean, timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
      this.waiters.push((s) => {
        if (!pred(s)) return false;
        clearTimeout(t);
        resolve(s);
        return true;
      });
    });
  }
}

/** What a session request may carry: the visitor token it had, a user token from the brand. */
export interface SessionTokens {
  visitorToken?: string;
  userToken?: string;
}

export async function openSession(ep: Endpoint, tokens: SessionTokens = {}): Promise<string> {
  const r = await fetch(`${ep.url}/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appId: ep.appId, ...tokens }),
  });
  if (!r.ok) throw new Error(`session ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}

/**
 * Opens a socket and wraps it at once: a server may send its first frame in the same packet
 * as the upgrade answer, which `ws` emits before an awaiting caller could attach a listener.
 */
function openClient(ep: Endpoint, path: string, protocols?: string[]): Client {
  const ws = new WebSocket(`${ep.url.replace(/^http/, 'ws')}${path}`, protocols, {
    perMessageDeflate: false,
    ...(ep.localAddress ? { localAddress: ep.localAddress } : {}),
  });
  return new Client(ws, ep.protocol);
}

function opened(c: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    c.ws.once('open', () => resolve());
    c.ws.once('error', reject);
  });
}

/**
 * One connected, ready client: raw ws joins `room`; Socket.IO completes its namespace
 * handshake; Causette sends hello (with `hello` fields) and waits for welcome.
 */
export async function connect(
  ep: Endpoint,
  room: string,
  token?: string,
  hello: { resume?: { epoch: string; threads: Record<string, number> } } = {},
  beforeHello: (c: Client) => void = () => {},
): Promise<Client> {
  if (ep.protocol === 'raw') {
    const c = openClient(ep, `/?room=${room}`);
    c.threadId = room;
    await opened(c);
    return c;
  }
  if (ep.protocol === 'socketio') {
    const c = openClient(ep, `/socket.io/?EIO=4&transport=websocket&room=${room}`);
    c.threadId = room;
    const open = c.wait((s) => s.startsWith('0{'));
    const joined = c.wait((s) => s.startsWith('40'));
    await opened(c);
    await open;
    c.ws.send('40');
    await joined;
    return c;
  }
  const c = openClient(ep, WS_PATH, [WS_SUBPROTOCOL, WS_TOKEN_PREFIX + (token ?? '')]);
  const welcome = c.wait((s) => s.startsWith('{"type":"welcome"'));
  beforeHello(c);
  await opened(c);
  c.ws.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, ...hello }));
  await welcome;
  return c;
}

/** Two clients sharing a thread (for Causette: two sockets of one visitor, thread opened). */
export async function connectPair(ep: Endpoint, i: number): Promise<[Client, Client]> {
  if (ep.protocol !== 'causette') {
    return [await connect(ep, `r${i}`), await connect(ep, `r${i}`)];
  }
  const token = await openSession(ep);
  const a = await connect(ep, '', token);
  const b = await connect(ep, '', token);
  const thread = a.wait((s) => s.startsWith('{"type":"thread"'));
  a.ws.send(JSON.stringify({ type: 'thread.open', ref: 'bench' }));
  const f = JSON.parse(await thread) as { thread: { id: string } };
  a.threadId = b.threadId = f.thread.id;
  return [a, b];
}

/** Runs `fn` over 0..n-1 with at most `concurrency` in flight; returns the results in order. */
export async function pool<T>(
  n: number,
  concurrency: number,
  fn: (i: number) => Promise<T>,
): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return out;
}
