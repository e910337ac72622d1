/**
 * A real webhook receiver on 127.0.0.1 for tests: records every request and answers with
 * whatever the test scripted (status, headers, once a promise settles, or never).
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { type: string; timestamp: string; data: any };
  at: number;
}

export type Reply =
  | {
      status: number;
      headers?: Record<string, string>;
      body?: string;
      /** Answer only once this settles (an attempt the test holds in flight). */
      after?: Promise<unknown>;
    }
  | 'hang';

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Answers for the next requests, in order; afterwards `fallback`. */
  replies: Reply[];
  fallback: Reply;
  /** Resolves once `n` requests have been received in total. */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<Receiver> {
  let waiters: (() => void)[] = [];
  const hanging = new Set<ServerResponse>();
  const r: Receiver = {
    url: '',
    port: 0,
    received: [],
    replies: [],
    fallback: { status: 200, body: 'ok' },
    async waitFor(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (r.received.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`receiver got ${r.received.length} of ${n} requests`);
        await new Promise<void>((res) => {
          const t = setTimeout(res, left);
          waiters.push(() => {
            clearTimeout(t);
            res();
          });
        });
      }
      return r.received;
    },
    close: () =>
      new Promise<void>((res) => {
        for (const h of hanging) h.destroy();
        server.closeAllConnections();
        server.close(() => res());
      }),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      let json: Received['json'];
      try {
        json = JSON.parse(body) as Received['json'];
      } catch {
        json = { type: '?', timestamp: '', data: null };
      }
      r.received.push({ headers: req.headers, body, json, at: Date.now() });
      const w = waiters;
      waiters = [];
      for (const fn of w) fn();
      const reply = r.replies.shift() ?? r.fallback;
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      const answer = () => {
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? '');
      };
      if (reply.after) void reply.after.finally(answer);
      else answer();
    });
  });
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', () => res()));
  r.port = (server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${r.port}/hook`;
  return r;
}
