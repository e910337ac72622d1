/** Turns raw frame text into a typed frame or a typed error; never throws. */
import * as v from 'valibot';
import { ClientFrame, CLIENT_FRAME_TYPES } from './client-frames.js';
import { ServerFrame, SERVER_FRAME_TYPES } from './server-frames.js';
// Codes as literals (typed by ErrorCode): a value import of ErrorCode would put every code in
// the SDK's bundle.
import type { ErrorCode } from './errors.js';
import { MAX_FRAME_BYTES } from './limits.js';

export type ParseResult<T> =
  { ok: true; value: T } | { ok: false; code: ErrorCode; message: string; ref?: string };

function describe(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (!first) return 'invalid frame';
  const path = first.path?.map((p) => String(p.key)).join('.') ?? '';
  return path ? `${path}: ${first.message}` : first.message;
}

function parseWith<T>(
  raw: string,
  schema: v.GenericSchema<unknown, T>,
  known: readonly string[],
): ParseResult<T> {
  if (raw.length > MAX_FRAME_BYTES) {
    return { ok: false, code: 'too_large', message: `frame over ${MAX_FRAME_BYTES} bytes` };
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'bad_json', message: 'frame is not valid JSON' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, code: 'bad_frame', message: 'frame must be a JSON object' };
  }
  const rec = data as Record<string, unknown>;
  const ref =
    typeof rec.ref === 'string'
      ? rec.ref.slice(0, 64)
      : typeof rec.clientId === 'string'
        ? rec.clientId.slice(0, 64)
        : undefined;
  const withRef = ref === undefined ? {} : { ref };
  if (typeof rec.type !== 'string' || !known.includes(rec.type)) {
    return {
      ok: false,
      code: 'unknown_type',
      message: `unknown frame type ${JSON.stringify(String(rec.type)).slice(0, 40)}`,
      ...withRef,
    };
  }
  const r = v.safeParse(schema, data);
  if (!r.success) return { ok: false, code: 'bad_frame', message: describe(r.issues), ...withRef };
  return { ok: true, value: r.output };
}

/** Parse a frame received from a client (server side). */
export function parseClientFrame(raw: string): ParseResult<ClientFrame> {
  return parseWith(raw, ClientFrame, CLIENT_FRAME_TYPES);
}

/** Parse a frame received from the server (SDK side). */
export function parseServerFrame(raw: string): ParseResult<ServerFrame> {
  return parseWith(raw, ServerFrame, SERVER_FRAME_TYPES);
}

/** Validate an already-decoded value against a schema; a typed failure instead of a throw. */
export function check<T>(schema: v.GenericSchema<unknown, T>, data: unknown): ParseResult<T> {
  const r = v.safeParse(schema, data);
  return r.success
    ? { ok: true, value: r.output }
    : { ok: false, code: 'validation_failed', message: describe(r.issues) };
}
