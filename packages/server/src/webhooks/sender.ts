/**
 * One HTTP attempt: POST the signed body with a hard timeout, read at most a small excerpt of
 * the answer, never follow redirects, and (unless allowed) refuse non-public addresses at
 * connect time. Never throws: every failure becomes an outcome the dispatcher can log.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress } from './ssrf.js';

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
  /** Aborting ends the attempt at once with the error `aborted` (server shutdown). */
  signal?: AbortSignal;
}

export interface SendResult {
  /** HTTP status, or null when no answer came. */
  statusCode: number | null;
  retryAfter: string | undefined;
  /** Up to EXCERPT_BYTES of the answer body. */
  excerpt: string | null;
  error: string | null;
}

export type SendFn = (r: SendRequest) => Promise<SendResult>;

export const EXCERPT_BYTES = 1024;

// Keep-alive: consecutive events to one receiver reuse the connection. The guarded lookup
// runs whenever a new connection is opened, so reuse never skips the address check.
const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 32, timeout: 30_000 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 32, timeout: 30_000 }),
};
const privateAgents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 32, timeout: 30_000 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 32, timeout: 30_000 }),
};

export const httpSend: SendFn = (r) =>
  new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(r.url);
    } catch {
      return resolve({ statusCode: null, retryAfter: undefined, excerpt: null, error: 'bad URL' });
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!r.allowPrivate && isIP(host) && isPrivateAddress(host)) {
      return resolve({
        statusCode: null,
        retryAfter: undefined,
        excerpt: null,
        error: 'blocked: non-public address',
      });
    }
    let settled = false;
    const done = (res: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(res);
    };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        headers: { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) },
        ...(r.allowPrivate ? {} : { lookup: guardedLookup as never }),
        // Separate pools: a socket opened while private addresses were allowed is never
        // reused by a request that must not reach them.
        agent: (r.allowPrivate ? privateAgents : agents)[
          url.protocol === 'https:' ? 'https' : 'http'
        ],
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (d: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(d);
          size += d.length;
          // Enough to log; a receiver streaming forever must not hold the attempt open.
          if (size > 64 * 1024) res.destroy();
        });
        const finish = () =>
          done({
            statusCode: res.statusCode ?? null,
            retryAfter: header(res, 'retry-after'),
            excerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8'),
            error: null,
          });
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done({
        statusCode: null,
        retryAfter: undefined,
        excerpt: null,
        error: `timeout after ${r.timeoutMs} ms`,
      });
    }, r.timeoutMs);
    const onAbort = () => {
      req.destroy();
      done({ statusCode: null, retryAfter: undefined, excerpt: null, error: 'aborted' });
    };
    if (r.signal?.aborted) return onAbort();
    r.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => r.signal?.removeEventListener('abort', onAbort));
    req.on('error', (e: NodeJS.ErrnoException) => {
      const error =
        e.code === 'EBLOCKED'
          ? 'blocked: non-public address'
          : `${e.code ?? 'error'}: ${e.message}`;
      done({ statusCode: null, retryAfter: undefined, excerpt: null, error: error.slice(0, 300) });
    });
    req.end(r.body);
  });

function header(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
