import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSession } from '../../testing/ws-test-client.js';
import { api, type Fixture } from '../../test-support/fixtures.js';
import type { Receiver } from '../../test-support/receiver.js';
import { webhookServer, type WebhookServer } from '../../test-support/webhook-server.js';
import { signIdentityToken } from '../../auth/identity-jwt.js';

let s: Fixture;
let rx: Receiver;
let ws: WebhookServer;
beforeEach(async () => {
  // The dispatcher's idle poll far longer than the test: only a wake delivers in time.
  ws = await webhookServer({ schedule: [0], jitter: 0, pollMs: 600_000, timeoutMs: 1000 });
  ({ s, rx } = ws);
});
afterEach(() => ws.close());

const userToken = (sub: string) =>
  signIdentityToken({ sub, exp: Math.floor(Date.now() / 1000) + 600 }, s.identitySecret);

describe('webhooks of a sign-in', () => {
  it('delivers contact.identified and contact.merged right away, not at the next poll', async () => {
    const r = await api(s, s.apiKey, 'POST', '/v1/webhooks/endpoints', {
      url: rx.url,
      events: ['contact.identified', 'contact.merged'],
    });
    expect(r.status).toBe(201);
    const anon = await openSession(s.url, { appId: s.appId });
    const signedIn = await openSession(s.url, {
      appId: s.appId,
      visitorToken: anon.token,
      userToken: userToken('u-1'),
    });
    const got = await rx.waitFor(2, 4000);
    expect(got.map((x) => x.json.type).sort()).toEqual(['contact.identified', 'contact.merged']);
    const merged = got.find((x) => x.json.type === 'contact.merged')!;
    expect(merged.json.data).toMatchObject({ from: anon.contactId, into: signedIn.contactId });
  });

  it('makes one contact and one contact.identified of a new user signing in from many tabs at once', async () => {
    const r = await api(s, s.apiKey, 'POST', '/v1/webhooks/endpoints', {
      url: rx.url,
      events: ['contact.identified'],
    });
    expect(r.status).toBe(201);
    const token = userToken('u-tabs');
    const sessions = await Promise.all(
      Array.from({ length: 12 }, () => openSession(s.url, { appId: s.appId, userToken: token })),
    );
    expect(new Set(sessions.map((x) => x.contactId)).size).toBe(1);
    const listed = await api(s, s.apiKey, 'GET', '/v1/contacts?identified=true');
    expect(listed.json.data.map((c: { id: string }) => c.id)).toEqual([sessions[0]!.contactId]);
    const [event] = await rx.waitFor(1, 4000);
    expect(event!.json.data.contact).toMatchObject({
      id: sessions[0]!.contactId,
      externalId: 'u-tabs',
    });
    // The endpoint's delivery log holds that one event and nothing else.
    const log = await api(s, s.apiKey, 'GET', `/v1/webhooks/endpoints/${r.json.id}/deliveries`);
    expect(log.json.data.map((d: { eventType: string }) => d.eventType)).toEqual([
      'contact.identified',
    ]);
  });
});
