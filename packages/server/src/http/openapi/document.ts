/**
 * Builds the OpenAPI 3.1 document from route specs: JSON Schemas come from the same valibot
 * schemas that validate requests (via @valibot/to-json-schema), plus the webhook events.
 */
import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT } from '@causette/shared';
import type { RouteSpec } from './spec.js';

type Json = Record<string, unknown>;

function schemaOf(s: v.GenericSchema, mode: 'input' | 'output'): Json {
  const out = toJsonSchema(s, {
    target: 'draft-2020-12',
    errorMode: 'ignore',
    typeMode: mode,
  }) as Json;
  delete out.$schema;
  return out;
}

const errorRef = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorRef } },
});

const operationId = (s: RouteSpec) =>
  s.method +
  s.path
    .replace(/\{(\w+)\}/g, 'By_$1')
    .split(/[/.-]/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');

function operation(spec: RouteSpec): Json {
  const parameters: Json[] = [];
  for (const m of spec.path.matchAll(/\{(\w+)\}/g)) {
    parameters.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  if (spec.query) {
    for (const [name, entry] of Object.entries(spec.query.entries)) {
      const optional = entry.type === 'optional';
      const inner = optional
        ? (entry as v.OptionalSchema<v.GenericSchema, undefined>).wrapped
        : entry;
      parameters.push({ name, in: 'query', required: !optional, schema: schemaOf(inner, 'input') });
    }
  }
  for (const h of spec.headers ?? []) {
    parameters.push({
      name: h.name,
      in: 'header',
      required: false,
      description: h.description,
      schema: { type: 'string', ...(h.pattern ? { pattern: h.pattern } : {}) },
    });
  }
  const responses: Json = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    responses[status] = r.schema
      ? {
          description: r.description,
          content: { 'application/json': { schema: schemaOf(r.schema, 'output') } },
        }
      : { description: r.description };
  }
  if (spec.body || spec.query || spec.headers)
    responses['400'] ??= errorResponse('Invalid body or query (`validation_failed`, `bad_json`)');
  if (spec.body) responses['413'] ??= errorResponse('Body too large');
  if (spec.auth === 'apiKey')
    responses['401'] ??= errorResponse('Missing (`unauthorized`) or invalid/revoked API key');
  if (spec.path.includes('{'))
    responses['404'] ??= errorResponse('Not found, or owned by another app (never told apart)');
  const op: Json = {
    operationId: operationId(spec),
    tags: [spec.tag],
    summary: spec.summary,
    security: spec.auth === 'apiKey' ? [{ apiKey: [] }] : [],
    responses,
  };
  if (spec.description) op.description = spec.description;
  if (parameters.length > 0) op.parameters = parameters;
  if (spec.body) {
    op.requestBody = {
      required: spec.optionalBody !== true,
      content: { 'application/json': { schema: schemaOf(spec.body, 'input') } },
    };
  }
  return op;
}

const webhookHeaders = [
  ['webhook-id', 'Event id: the same on every retry and replay (deduplicate on it).'],
  ['webhook-timestamp', 'Seconds since epoch when this attempt was signed.'],
  [
    'webhook-signature',
    'Space-separated `v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>` (v1 endpoints) or ' +
      '`v1a,<base64 Ed25519 signature of id.timestamp.body>` (v1a endpoints, verified with the ' +
      '`whpk_` public key); two during a rotation.',
  ],
].map(([name, description]) => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string' },
}));

function webhooks(): Json {
  const out: Json = {};
  for (const type of [...WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT]) {
    out[type] = {
      post: {
        summary: `\`${type}\` event`,
        parameters: webhookHeaders,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['type', 'timestamp', 'data'],
                properties: {
                  type: { const: type },
                  timestamp: { type: 'string', format: 'date-time' },
                  data: { type: 'object' },
                },
              },
            },
          },
        },
        responses: {
          '200': { description: 'Any 2xx acknowledges the event' },
          '410': { description: 'Gone: the endpoint is disabled' },
          '429': { description: 'Retried no sooner than Retry-After' },
        },
      },
    };
  }
  return out;
}

export function openApiDocument(specs: RouteSpec[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const s of specs) (paths[s.path] ??= {})[s.method] = operation(s);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Causette API',
      version,
      description:
        'REST API v1 of a Causette server: back-office access with an API key ' +
        '(`Authorization: Bearer csk_...`), visitor session endpoints, and the webhooks it sends ' +
        '(Standard Webhooks). Errors are `{ "error": { "code", "message" } }`.',
    },
    servers: [{ url: '/' }],
    tags: ['threads', 'messages', 'contacts', 'app', 'webhooks', 'visitor', 'health'].map(
      (name) => ({ name }),
    ),
    paths,
    webhooks: webhooks(),
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
    },
  };
}
