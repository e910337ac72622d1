/** `GET /v1/openapi.json`: the OpenAPI 3.1 document of every route, built once at start-up. */
import { Hono } from 'hono';
import type { AppEnv, Services } from '../env.js';
import { op, type RouteSpec } from '../openapi/spec.js';
import { openApiDocument } from '../openapi/document.js';
import { coreSpecs } from '../openapi/core-specs.js';
import { threadSpecs } from './bridge-threads.js';
import { contactSpecs } from './bridge-contacts.js';
import { appSpecs } from './bridge-app.js';
import { webhookSpecs } from './bridge-webhooks.js';

export const openApiSpec = op({
  method: 'get',
  path: '/v1/openapi.json',
  tag: 'health',
  summary: 'This document',
  auth: 'none',
  responses: { 200: { description: 'OpenAPI 3.1 document' } },
});

/** Every documented route: the single table the document (and its coverage test) reads. */
export const ALL_SPECS: RouteSpec[] = [
  ...coreSpecs,
  ...Object.values(threadSpecs),
  ...Object.values(contactSpecs),
  ...Object.values(appSpecs),
  ...Object.values(webhookSpecs),
  openApiSpec,
];

export const API_VERSION = '1.0.0';

export function openApiRoutes(_s: Services) {
  const doc = JSON.stringify(openApiDocument(ALL_SPECS, API_VERSION));
  return new Hono<AppEnv>().get('/v1/openapi.json', (c) =>
    c.body(doc, 200, { 'content-type': 'application/json; charset=utf-8' }),
  );
}
