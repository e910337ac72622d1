import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer } from '@causette/server';
import { TestClient } from '@causette/server/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { createBot } from './bot.mjs';

let server;
let bot;
let dir;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causette-bot-'));
  server = await startServer({
    port: 0,
    dataDir: dir,
    logLevel: 'silent',
    demo: false,
    allowPrivateWebhooks: true,
  });
  bot = createBot({ apiUrl: server.url, apiKey: server.apiKey, log: () => {} });
  const port = await bot.listen(0);
  await bot.register(`http://127.0.0.1:${port}/webhooks`);
});

afterEach(async () => {
  await bot.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('example bot', () => {
  it('answers a visitor live, once, and mirrors the thread like a helpdesk', async () => {
    const c = await TestClient.connect(server.url, server.appId);
    const t = await c.openThread();
    await c.sendMessage(t.id, 'v-1', 'What is your pricing?');
    const typing = await c.next('typing');
    expect(typing.author).toMatchObject({ kind: 'bot', name: 'Causette Bot' });
    const answer = await c.next('message');
    expect(answer.message).toMatchObject({ author: { kind: 'bot' }, seq: 2 });
    expect(answer.message.text).toMatch(/plans start/);
    expect(await c.next('read')).toMatchObject({ reader: 'agent', seq: 1 });

    // Closing the thread from the back office reaches the mirror through thread.updated.
    await fetch(`${server.url}/v1/threads/${t.id}/close`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    for (let i = 0; i < 100 && bot.threads.get(t.id)?.status !== 'closed'; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(bot.threads.get(t.id)).toMatchObject({ status: 'closed', lastSeq: 2 });
    c.close();
  });

  it('rejects requests that are not signed with the endpoint secret', async () => {
    const body = JSON.stringify({ type: 'message.created', timestamp: '', data: {} });
    const forged = new Webhook('whsec_' + Buffer.alloc(32, 7).toString('base64'));
    const id = 'msg_forged';
    const ts = new Date();
    const res = await fetch(`http://127.0.0.1:${bot.server.address().port}/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(ts.getTime() / 1000)),
        'webhook-signature': forged.sign(id, ts, body),
      },
      body,
    });
    expect(res.status).toBe(401);
  });

  it('syncs every thread over REST at start', async () => {
    const c = await TestClient.connect(server.url, server.appId);
    for (let i = 0; i < 3; i++) await c.openThread();
    c.close();
    const fresh = createBot({ apiUrl: server.url, apiKey: server.apiKey, log: () => {} });
    expect(await fresh.syncThreads()).toBe(3);
    expect(fresh.threads.size).toBe(3);
  });
});
