/** The two REST calls the client makes: session exchange and public app settings. */
import type { SessionRequest, SessionResponse } from '@causette/shared';
import type { AppSettings } from './types.js';

/** An error with a stable `code` (compare codes, not classes); `status` is the HTTP status. */
export type CodedError = Error & { code: string; status?: number };

export const codedError = (code: string, message: string, status = 0): CodedError =>
  Object.assign(new Error(message), { code, status });

/**
 * JSON over fetch. A non-2xx answer (or a 2xx failing `ok`) throws its
 * `{ error: { code, message } }` as a CodedError; a network failure throws `unavailable`.
 */
async function call<T>(
  f: typeof fetch,
  url: string,
  ok: (body: Partial<T>) => unknown,
  body?: object,
): Promise<T> {
  // No content-type header: a text/plain POST is a CORS "simple request" (no preflight round
  // trip before every session refresh); the server parses the body as JSON regardless.
  const res = await f(url, body && { method: 'POST', body: JSON.stringify(body) }).catch(
    (e: unknown) => {
      throw codedError('unavailable', String(e));
    },
  );
  const json: Partial<T> & { error?: { code?: string; message?: string } } = await res
    .json()
    .catch(() => ({}));
  if (res.ok && ok(json)) return json as T;
  const e = json.error;
  throw codedError(e?.code ?? 'http_error', e?.message ?? res.statusText, res.status);
}

/** `POST /v1/session`: a fresh token for the stored visitor, a new visitor, or a JWT user. */
export const postSession = (f: typeof fetch, base: string, req: SessionRequest) =>
  call<SessionResponse>(f, `${base}/v1/session`, (s) => typeof s.token === 'string', req);

/** `GET /v1/apps/{appId}/settings`: greeting, away message, pre-chat form. */
export const getSettings = (f: typeof fetch, base: string, appId: string) =>
  call<AppSettings>(f, `${base}/v1/apps/${appId}/settings`, (s) => s.appId);
