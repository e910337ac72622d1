/**
 * A minimal protocol client for tests and benchmarks: opens a session over REST, connects with
 * the token subprotocol, records every frame and lets a test await the next matching one.
 * @example
 * const c = await TestClient.connect(server.url, appId);
 * c.send({ type: 'thread.open', ref: 'r1' });
 * const { thread } = await c.next('thread');
 */
import WebSocket from 'ws';
import {
  PROTOCOL_VERSION,
  WS_PATH,
  WS_SUBPROTOCOL,
  WS_TOKEN_PREFIX,
  type ClientFrame,
  type HelloFrame,
  type ServerFrame,
  type SessionResponse,
} from '@causette/shared';

type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

export async function openSession(
  url: string,
  body: { appId: string; visitorToken?: string; userToken?: string },
  headers: Record<string, string> = {},
): Promise<SessionResponse> {
  const res = await fetch(`${url}/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`session failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as SessionResponse;
}

export class TestClient {
  readonly frames: ServerFrame[] = [];
  private cursor = 0;
  private waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | null = null;
  welcome: FrameOf<'welcome'> | undefined;

  private constructor(
    readonly ws: WebSocket,
    readonly token: string,
  ) {
    ws.on('message', (data, isBinary) => {
      // The protocol is text frames only (a browser hands a binary one over as a Blob):
      // a binary frame is dropped here, so a test waiting for it fails.
      if (isBinary) return;
      const f = JSON.parse(data.toString()) as ServerFrame;
      // Answer heartbeats like a well-behaved client unless a test turns it off.
      if (f.type === 'ping' && this.autoPong) this.send({ type: 'pong', t: f.t });
      this.frames.push(f);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  autoPong = true;

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  /** Open a raw socket with a token (no hello sent). */
  static open(
    url: string,
    token: string,
    headers: Record<string, string> = {},
  ): Promise<TestClient> {
    const ws = new WebSocket(
      `${url.replace(/^http/, 'ws')}${WS_PATH}`,
      [WS_SUBPROTOCOL, WS_TOKEN_PREFIX + token],
      {
        headers,
        perMessageDeflate: false,
      },
    );
    const c = new TestClient(ws, token);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(c));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () =>
          reject(
            Object.assign(new Error(`upgrade rejected ${res.statusCode}`), {
              status: res.statusCode,
              body,
            }),
          ),
        );
      });
      ws.once('error', reject);
    });
  }

  /** Session + socket + hello; resolves after `welcome` (and `resumed` when resuming). */
  static async connect(
    url: string,
    appId: string,
    opts: { token?: string; resume?: HelloFrame['resume'] } = {},
  ): Promise<TestClient> {
    const token = opts.token ?? (await openSession(url, { appId })).token;
    const c = await TestClient.open(url, token);
    c.send({ type: 'hello', v: PROTOCOL_VERSION, ...(opts.resume ? { resume: opts.resume } : {}) });
    c.welcome = await c.next('welcome');
    if (opts.resume) await c.next('resumed');
    return c;
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Next unread frame of `type` (and matching `pred`), waiting up to `timeoutMs`. */
  async next<T extends ServerFrame['type']>(
    type: T,
    pred: (f: FrameOf<T>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<FrameOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = this.cursor; i < this.frames.length; i++) {
        const f = this.frames[i]!;
        if (f.type === type && pred(f as FrameOf<T>)) {
          this.frames.splice(i, 1);
          return f as FrameOf<T>;
        }
      }
      if (this.closed) throw new Error(`closed (${this.closed.code}) while waiting for ${type}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out waiting for ${type}; got ${JSON.stringify(this.frames.map((f) => f.type))}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Every recorded frame of a type, removed from the queue. */
  take<T extends ServerFrame['type']>(type: T): FrameOf<T>[] {
    const out = this.frames.filter((f) => f.type === type) as FrameOf<T>[];
    for (let i = this.frames.length - 1; i >= 0; i--)
      if (this.frames[i]!.type === type) this.frames.splice(i, 1);
    return out;
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('socket did not close');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.closed;
  }

  /** Open a thread and return it. */
  async openThread(threadId?: string): Promise<FrameOf<'thread'>['thread']> {
    const ref = `open-${Math.random().toString(36).slice(2)}`;
    this.send({ type: 'thread.open', ref, ...(threadId ? { threadId } : {}) });
    return (await this.next('thread', (f) => f.ref === ref)).thread;
  }

  /** Send a message and wait for its ack. */
  async sendMessage(threadId: string, clientId: string, text: string): Promise<FrameOf<'ack'>> {
    this.send({ type: 'send', threadId, clientId, text });
    return this.next('ack', (a) => a.clientId === clientId);
  }

  close(): void {
    this.ws.close();
  }
}
