/** JSON error responses `{ error: { code, message } }` and schema-checked body/query reading. */
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
  const len = Number(c.req.header('content-length') ?? '0');
  if (len > MAX_BODY_BYTES)
    return { ok: false, code: ErrorCode.TooLarge, message: 'body too large' };
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES)
    return { ok: false, code: ErrorCode.TooLarge, message: 'body too large' };
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
