import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPrivateAddress, urlProblem } from './ssrf.js';
import { httpSend } from './sender.js';
import { startReceiver, type Receiver } from '../test-support/receiver.js';

describe('non-public addresses', () => {
  it.each([
    '127.0.0.1',
    '127.9.9.9',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a00:1',
    // IPv6 forms that carry an IPv4 address: compatible, translated, local NAT64, 6to4.
    '::7f00:1',
    '::a9fe:a9fe',
    '::ffff:0:7f00:1',
    '64:ff9b:1::a9fe:a9fe',
    '2002:7f00:1::1',
  ])('%s is refused', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '172.32.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '2001:4860:4860::8888',
  ])('%s is allowed', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });

  it('refuses a host name when any of its addresses is private (checked after resolution)', async () => {
    const lookup = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    expect(await urlProblem('https://hooks.example.com/x', false, lookup)).toMatch(/non-public/);
    const pub = async () => [{ address: '93.184.216.34', family: 4 }];
    expect(await urlProblem('https://hooks.example.com/x', false, pub)).toBeNull();
    expect(await urlProblem('https://hooks.example.com/x', true, lookup)).toBeNull();
  });
});

describe('at delivery time', () => {
  let rx: Receiver;
  beforeEach(async () => {
    rx = await startReceiver();
  });
  afterEach(async () => {
    await rx.close();
  });

  const send = (url: string, allowPrivate: boolean) =>
    httpSend({ url, headers: {}, body: '{}', timeoutMs: 1000, allowPrivate });

  it('refuses to connect to a loopback address or a name resolving to one', async () => {
    for (const url of [rx.url, `http://localhost:${rx.port}/hook`]) {
      const r = await send(url, false);
      expect(r).toMatchObject({ statusCode: null, error: expect.stringMatching(/blocked/) });
    }
    expect(rx.received).toHaveLength(0);
  });

  it('connects when private addresses are allowed', async () => {
    const r = await send(`http://localhost:${rx.port}/hook`, true);
    expect(r.statusCode).toBe(200);
    expect(rx.received).toHaveLength(1);
  });
});
