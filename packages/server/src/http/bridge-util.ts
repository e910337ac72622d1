/** Helpers shared by the bridge routes: path params, cursors, optional bodies, ISO times. */
import type { Context } from 'hono';
import type * as v from 'valibot';
import { check, type ParseResult } from '@causette/shared';
import { parseBodyText, readBodyText, tooLarge } from './errors.js';

/** A path parameter (always present on a matched route). */
export const param = (c: Context, name: string): string => c.req.param(name) ?? '';

export const iso = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** Opaque keyset cursor: base64url of `[time, id]`. */
export function encodeCursor(time: number, id: string): string {
  return Buffer.from(JSON.stringify([time, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { time: number; id: string } | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      Number.isSafeInteger(v[0]) &&
      typeof v[1] === 'string' &&
      v[1].length <= 64
    )
      return { time: v[0] as number, id: v[1] };
  } catch {
    /* fall through */
  }
  return null;
}

/**
 * One keyset page from `limit + 1` rows: the first `limit` as resources, and the cursor of
 * the last one when another row exists.
 */
export function keysetPage<R extends { id: string }, O>(
  rows: R[],
  limit: number,
  resource: (r: R) => O,
  timeOf: (r: R) => number,
): { data: O[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map(resource),
    nextCursor: rows.length > limit && last ? encodeCursor(timeOf(last), last.id) : null,
  };
}

/** Like readBody, but an empty body counts as `{}` (POST actions with optional options). */
export async function readOptionalBody<T>(
  c: Context,
  schema: v.GenericSchema<unknown, T>,
): Promise<ParseResult<T>> {
  const text = await readBodyText(c);
  if (text === null) return tooLarge();
  return text.trim() === '' ? check(schema, {}) : parseBodyText(text, schema);
}
