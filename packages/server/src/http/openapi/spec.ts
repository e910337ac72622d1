/**
 * A route described once: method, path, schemas and answers. `mount()` registers the handler
 * under that description and the OpenAPI document is generated from the same objects, so the
 * document cannot drift from the routes (a test checks every Hono route is in it).
 * @example
 * export const getThread = op({ method: 'get', path: '/v1/threads/{id}', tag: 'threads',
 *   summary: 'Get a thread', auth: 'apiKey', responses: { 200: { description: 'The thread',
 *   schema: ThreadResource } } });
 * mount(r, s, getThread, async (c) => c.json(...));
 */
import type { Handler, Hono, MiddlewareHandler } from 'hono';
import type * as v from 'valibot';
import type { AppEnv, Services } from '../env.js';
import { requireApiKey } from '../api-key.js';

export type Method = 'get' | 'post' | 'patch' | 'delete' | 'put';

export interface RouteSpec {
  method: Method;
  /** OpenAPI-style path: `/v1/threads/{id}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** `apiKey`: Bearer API key; `visitor`: session token; `none`: public. */
  auth: 'apiKey' | 'visitor' | 'none';
  query?: v.ObjectSchema<v.ObjectEntries, undefined>;
  body?: v.GenericSchema;
  /** The body may be left out (the route reads it with `readOptionalBody`). */
  optionalBody?: boolean;
  /** Request headers the route reads (besides Authorization). */
  headers?: { name: string; description: string; pattern?: string }[];
  responses: Record<number, { description: string; schema?: v.GenericSchema }>;
}

/** Identity helper that keeps the literal types of a spec. */
export const op = (spec: RouteSpec): RouteSpec => spec;

/** `/v1/threads/{id}` -> `/v1/threads/:id` */
export const honoPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/** Runs the API-key check once per request even when several modules guard the same path. */
function apiKeyOnce(s: Services): MiddlewareHandler<AppEnv> {
  const check = requireApiKey(s);
  return async (c, next) => {
    if (c.get('appId')) return next();
    return check(c, next);
  };
}

/** Register `handler` for `spec` on `r` (API-key check first when the spec says so). */
export function mount(r: Hono<AppEnv>, s: Services, spec: RouteSpec, handler: Handler<AppEnv>) {
  const path = honoPath(spec.path);
  if (spec.auth === 'apiKey') r.on(spec.method.toUpperCase(), path, apiKeyOnce(s), handler);
  else r.on(spec.method.toUpperCase(), path, handler);
}
