import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { server, stored } from './support.js';

const run = promisify(execFile);
const example = new URL('../../examples/sdk-node/src/chat.mjs', import.meta.url).pathname;

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('examples/sdk-node', () => {
  it('runs as documented and its message is stored once', async () => {
    const s = await server();
    stop = () => s.stop();
    const { stdout } = await run(process.execPath, [example], {
      env: { ...process.env, CAUSETTE_URL: s.url, CAUSETTE_APP_ID: s.appId, CAUSETTE_SAY: 'hi' },
      timeout: 30_000,
    });
    const threadId = /stored as #1 in thread (\S+)/.exec(stdout)?.[1];
    expect(threadId, stdout).toBeDefined();
    expect((await stored(s.url, s.apiKey, threadId!)).map((m) => m.text)).toEqual(['hi']);
  });
});
