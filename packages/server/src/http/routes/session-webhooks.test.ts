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
});
