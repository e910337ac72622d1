import { describe, expect, it } from 'vitest';
import { next, settle, setup } from './testing/helpers.js';

const malformed: [string, string][] = [
  ['not json', 'bad_json'],
  ['[1,2]', 'bad_frame'],
  ['{"type":"nope"}', 'unknown_type'],
  ['{"type":"message"}', 'bad_frame'],
  ['{"type":"ack","clientId":"c"}', 'bad_frame'],
  ['{"type":"message","message":{"id":"m","threadId":"t","seq":-1}}', 'bad_frame'],
  [`{"type":"ping","t":1,"pad":"${'x'.repeat(17 * 1024)}"}`, 'too_large'],
];

describe('malformed server frames', () => {
  it.each(malformed)('%s is ignored with an error event (%s), never a crash', async (raw, code) => {
    const { server, client, thread } = await setup();
    const err = next(client, 'error');
    server.raw(raw);
    expect((await err).code).toBe(code);
    // Still connected and working.
    expect(client.state).toBe('connected');
    const msg = next(client, 'message');
    server.reply(thread.id, 'still here');
    expect((await msg).message.text).toBe('still here');
    client.disconnect();
  });

  it('an error frame for nothing in flight becomes an error event', async () => {
    const { server, client } = await setup();
    const err = next(client, 'error');
    server.push(server.live!, { type: 'error', code: 'rate_limited', message: 'slow down' });
    expect(await err).toEqual({ code: 'rate_limited', message: 'slow down' });
    client.disconnect();
  });

  it('a request answered with an error rejects with its code', async () => {
    const { client } = await setup();
    await expect(client.openThread('someone-elses')).rejects.toMatchObject({ code: 'not_found' });
    await settle();
    expect(client.state).toBe('connected');
    client.disconnect();
  });
});
