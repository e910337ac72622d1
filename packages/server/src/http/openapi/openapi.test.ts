import { describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createHttpApp } from '../app.js';
import type { Services } from '../env.js';
import { resolveConfig } from '../../config.js';
import * as v from 'valibot';
import { api, serverFixture } from '../../test-support/fixtures.js';
import { TestClient } from '../../testing/ws-test-client.js';
import { startReceiver } from '../../test-support/receiver.js';
import { ALL_SPECS } from '../routes/openapi.js';

/** The app with every built-in route registered (handlers are not called). */
function routeTable(): { method: string; path: string }[] {
  const app = createHttpApp({ config: resolveConfig({}) } as unknown as Services);
  const seen = new Set<string>();
  const out: { method: string; path: string }[] = [];
  for (const r of app.routes) {
    if (r.method === 'ALL') continue; // middleware
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: r.method.toLowerCase(), path: r.path.replace(/:(\w+)/g, '{$1}') });
  }
  return out;
}

describe('OpenAPI document', () => {
  it('is served at /v1/openapi.json and is a valid OpenAPI 3.1 document', async () => {
    const s = await serverFixture({ dbPath: ':memory:' });
    const res = await fetch(`${s.url}/v1/openapi.json`);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const doc = (await res.json()) as Record<string, unknown>;
    await s.cleanup();
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route of the app, and nothing that is not a route', async () => {
    const s = await serverFixture({ dbPath: ':memory:' });
    const doc = (await (await fetch(`${s.url}/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    await s.cleanup();
    const routes = routeTable();
    expect(routes.length).toBeGreaterThan(30);
    const missing = routes.filter((r) => !doc.paths[r.path]?.[r.method]);
    expect(missing).toEqual([]);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    );
    const real = new Set(routes.map((r) => `${r.method} ${r.path}`));
    expect(documented.filter((d) => !real.has(d))).toEqual([]);
  });

  it('describes bodies and queries with the JSON Schemas of the shared valibot schemas', async () => {
    const s = await serverFixture({ dbPath: ':memory:' });
    const doc = (await (await fetch(`${s.url}/v1/openapi.json`)).json()) as any;
    await s.cleanup();
    const patch = doc.paths['/v1/threads/{id}'].patch;
    const body = patch.requestBody.content['application/json'].schema;
    expect(body.properties.status.enum).toEqual(['open', 'closed', 'snoozed']);
    expect(body.properties.tags.maxItems).toBe(20);
    expect(patch.security).toEqual([{ apiKey: [] }]);
    expect(patch.requestBody.required).toBe(true);
    // rotate-secret takes an empty body (default overlap): its body is documented as optional.
    const rotate = doc.paths['/v1/webhooks/endpoints/{id}/rotate-secret'].post;
    expect(rotate.requestBody.required).toBe(false);
    expect(Object.keys(patch.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '404']),
    );
    const list = doc.paths['/v1/threads'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['status', 'assignee', 'tag', 'updatedSince', 'cursor', 'limit']),
    );
    expect(Object.keys(doc.webhooks)).toEqual(
      expect.arrayContaining(['thread.created', 'thread.updated', 'message.created']),
    );
  });
});

describe('answers match the documented schemas', () => {
  it('every GET route answers a body that its documented 200 schema accepts', async () => {
    const s = await serverFixture({ dbPath: ':memory:', allowPrivateWebhooks: true });
    const rx = await startReceiver();
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    await c.sendMessage(t.id, 'm-1', 'hello');
    await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/messages`, {
      text: 'hi',
      author: { name: 'Ana' },
    });
    const ep = await api(s, s.apiKey, 'POST', '/v1/webhooks/endpoints', { url: rx.url });
    const ping = await api(s, s.apiKey, 'POST', `/v1/webhooks/endpoints/${ep.json.id}/test`);
    await rx.waitFor(1);
    const fill = (p: string) =>
      p
        .replace('/v1/threads/{id}', `/v1/threads/${t.id}`)
        .replace('/v1/contacts/{id}', `/v1/contacts/${c.welcome!.contactId}`)
        .replace('/v1/webhooks/endpoints/{id}', `/v1/webhooks/endpoints/${ep.json.id}`)
        .replace('{deliveryId}', ping.json.deliveryId)
        .replace('{appId}', s.appId);
    let checked = 0;
    for (const spec of ALL_SPECS) {
      const schema = spec.responses[200]?.schema;
      if (spec.method !== 'get' || !schema || spec.path === '/v1/ws') continue;
      const r = await api(s, s.apiKey, 'GET', fill(spec.path));
      expect(r.status, spec.path).toBe(200);
      const parsed = v.safeParse(schema, r.json);
      expect(parsed.issues?.map((i) => i.message) ?? [], spec.path).toEqual([]);
      checked += 1;
    }
    expect(checked).toBeGreaterThanOrEqual(14);
    c.close();
    await rx.close();
    await s.cleanup();
  });
});
