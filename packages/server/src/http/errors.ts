/** JSON error responses `{ error: { code, message } }` and schema-checked body/query reading. */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type * as v from 'valibot';
import { ErrorCode, MAX_BODY_BYTES, check, type ParseResult } from '@causette/shared';

export function jsonError(c: Context, status: ContentfulStatusCode, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}

/** Reads and validates a JSON body; a typed failure for size, JSON and schema problems. */
export async function readBody<T>(
  c: Context,
  schema: v.GenericSchema<unknown, T>,
): Promise<ParseResult<T>> {
  const text = await readBodyText(c);
  return text === null ? tooLarge() : parseBodyText(text, schema);
}

/**
 * The body as text, or null past MAX_BODY_BYTES. A chunked body declares no length, so the
 * limit is applied while reading: nothing beyond it is read into memory, and the answer does
 * not wait for the rest of the body.
 */
export async function readBodyText(c: Context): Promise<string | null> {
  if (Number(c.req.header('content-length') ?? '0') > MAX_BODY_BYTES) return null;
  // Served by @hono/node-server: read Node's request stream itself (when nothing has started
  // reading it). `c.req.raw.body` would first build a web Request around it and convert the
  // stream (Readable.toWeb): 14% of the server's time in a profile of `POST /v1/session`.
  const incoming: unknown = (c.env as { incoming?: unknown } | undefined)?.incoming;
  if (incoming instanceof Readable && incoming.readableFlowing === null) {
    return readNodeBody(incoming);
  }
  // Elsewhere (no Node request, or one already being read): the web body, through the same
  // reader.
  const body = c.req.raw.body;
  return body ? readNodeBody(Readable.fromWeb(body as WebReadableStream)) : '';
}

/**
 * Reads a body stream with the limit applied while reading; past it the stream is paused (the
 * server drains the rest). A stream closed before its end (the client went away) rejects.
 */
export function readNodeBody(stream: Readable): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const settle = (value: string | null, error?: unknown) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error === undefined) resolve(value);
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const onData = (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        stream.pause();
        settle(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle(Buffer.concat(chunks, size).toString('utf8'));
    const onError = (e: unknown) => settle(null, e);
    const onClose = () => settle(null, new Error('request body closed before its end'));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

export const tooLarge = () =>
  ({ ok: false, code: ErrorCode.TooLarge, message: 'body too large' }) as const;

/** JSON-parses and validates a body already read. */
export function parseBodyText<T>(
  text: string,
  schema: v.GenericSchema<unknown, T>,
): ParseResult<T> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, code: ErrorCode.BadJson, message: 'body is not valid JSON' };
  }
  return check(schema, data);
}

export function readQuery<T>(c: Context, schema: v.GenericSchema<unknown, T>): ParseResult<T> {
  return check(schema, c.req.query());
}

/** HTTP status for a failed parse. */
export function statusOf(code: string): ContentfulStatusCode {
  return code === ErrorCode.TooLarge ? 413 : 400;
}
