import { afterEach, describe, expect, it } from 'vitest';
import { freePort, initDataDir, ServerProcess } from '../support/server-process.js';
import { agentReply, allSent, client, connect, next, stored } from './support.js';

let proc: ServerProcess | undefined;
afterEach(async () => {
  await proc?.kill();
  proc = undefined;
});

describe('sdk against a server killed (SIGKILL) and restarted mid-conversation', () => {
  it('loses nothing, duplicates nothing and keeps the order', async () => {
    const { dataDir, creds } = initDataDir();
    proc = new ServerProcess(dataDir, await freePort());
    await proc.start();
    const c = client(proc.url, creds.appId);
    try {
      await connect(c);
      const thread = await c.openThread();
      const texts = Array.from({ length: 40 }, (_, i) => `msg ${i + 1}`);
      const sent = allSent(c, texts);
      const down = next(c, 'state', (e) => e.newState === 'reconnecting');
      // Half the messages go out, the server dies while they are in flight, the rest are
      // typed during the outage; all of them must end up stored exactly once, in order.
      const early = allSent(c, texts.slice(0, 5));
      for (const t of texts.slice(0, 20)) thread.send(t);
      await early; // some stored, the rest on the wire or still in the outbox
      await proc.kill();
      await down;
      for (const t of texts.slice(20)) thread.send(t);
      await proc.start();
      await sent;

      const rows = await stored(proc.url, creds.apiKey, thread.id);
      expect(rows.map((m) => m.text)).toEqual(texts);
      expect(rows.map((m) => m.seq)).toEqual(texts.map((_, i) => i + 1));
      expect(thread.messages.map((m) => m.text)).toEqual(texts);
      expect(thread.messages.every((m) => m.status === 'sent')).toBe(true);

      // The conversation goes on over the same client after the restart.
      const reply = next(c, 'message');
      await agentReply(proc.url, creds.apiKey, thread.id, 'back online');
      expect((await reply).message).toMatchObject({ text: 'back online', seq: 41 });
    } finally {
      c.disconnect();
    }
  });
});
