import { PassThrough } from 'node:stream';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '@causette/shared';
import { readBodyText, readNodeBody } from './errors.js';
import { chunkedBody } from '../test-support/oversize-body.js';

describe('reading a body from the Node request stream', () => {
  it('joins the chunks, multi-byte characters split across them included', async () => {
    const s = new PassThrough();
    const text = readNodeBody(s);
    const bytes = Buffer.from('{"name":"Zoé"}');
    s.write(bytes.subarray(0, 12)); // ends inside the two bytes of "é"
    s.end(bytes.subarray(12));
    expect(await text).toBe('{"name":"Zoé"}');
  });

  it('stops at the limit: null, the stream paused, the rest left unread', async () => {
    const s = new PassThrough({ highWaterMark: 1024 });
    const text = readNodeBody(s);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    s.write(chunk);
    const written = Math.ceil(MAX_BODY_BYTES / chunk.length) + 1;
    for (let i = 1; i < written; i++) s.write(chunk);
    expect(await text).toBeNull();
    expect(s.isPaused()).toBe(true);
    expect(s.listenerCount('data')).toBe(0);
  });

  it('rejects when the stream closes before its end (the client went away)', async () => {
    const s = new PassThrough();
    const text = readNodeBody(s);
    s.write('{"appId":');
    s.destroy();
    await expect(text).rejects.toThrow(/closed before its end/);
  });

  it('rejects with the stream error', async () => {
    const s = new PassThrough();
    const text = readNodeBody(s);
    s.destroy(new Error('aborted'));
    await expect(text).rejects.toThrow('aborted');
  });
});

describe('reading a body without a Node request (the web stream)', () => {
  // Hono's app.request() hands the route a web Request only, as any host but Node would.
  const app = new Hono().post('/', async (c) => {
    const text = await readBodyText(c);
    return c.json({ text });
  });

  it('reads a small body, and refuses a chunked one past the limit without reading it all', async () => {
    const ok = await app.request('/', { method: 'POST', body: '{"a":"é"}' });
    expect(await ok.json()).toEqual({ text: '{"a":"é"}' });
    const big = chunkedBody();
    const r = await app.request('/', { method: 'POST', ...big.init });
    expect(await r.json()).toEqual({ text: null });
    expect(big.pulled()).toBeLessThan(big.offeredChunks);
  });
});
