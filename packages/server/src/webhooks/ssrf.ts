/**
 * SSRF guard for webhook URLs: by default an endpoint may not resolve to a private, loopback,
 * link-local or otherwise non-public address. Checked when an endpoint is saved AND at every
 * delivery (through the socket's DNS lookup, so a DNS answer that changes is caught too).
 */
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  // IPv4-compatible (::a.b.c.d, deprecated; also :: and ::1) and IPv4-translated (RFC 2765)
  // addresses, local-use NAT64 (RFC 8215) and 6to4 (deprecated, RFC 7526) embed an IPv4
  // address that can be a private one.
  ['::', 96],
  ['::ffff:0:0:0', 96],
  ['64:ff9b:1::', 48],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['64:ff9b::', 96],
  ['100::', 64],
] as const)
  blocked.addSubnet(net, bits, 'ipv6');

/** True for any address a webhook must not reach by default (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string): boolean {
  const kind = isIP(address);
  if (kind === 4) return blocked.check(address, 'ipv4');
  if (kind === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1]!, 'ipv4');
    const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
    if (hexMapped) {
      const hi = parseInt(hexMapped[1]!, 16);
      const lo = parseInt(hexMapped[2]!, 16);
      return blocked.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
    }
    return blocked.check(address, 'ipv6');
  }
  return true;
}

export type Lookup = (host: string) => Promise<LookupAddress[]>;

const systemLookup: Lookup = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))),
  );

const bareHost = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

/**
 * Why this URL may not be used as an endpoint, or null when it may. Resolves the host name
 * and refuses it when ANY of its addresses is non-public (unless `allowPrivate`).
 */
export async function urlProblem(
  raw: string,
  allowPrivate: boolean,
  lookup: Lookup = systemLookup,
): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  if (url.username || url.password) return 'credentials in the URL are not allowed';
  if (allowPrivate) return null;
  const host = bareHost(url.hostname);
  if (isIP(host)) return isPrivateAddress(host) ? 'resolves to a non-public address' : null;
  if (host === 'localhost' || host.endsWith('.localhost'))
    return 'resolves to a non-public address';
  let addrs: LookupAddress[];
  try {
    addrs = await lookup(host);
  } catch {
    return 'host name does not resolve';
  }
  if (addrs.length === 0) return 'host name does not resolve';
  return addrs.some((a) => isPrivateAddress(a.address)) ? 'resolves to a non-public address' : null;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that refuses non-public answers, so the address that is checked
 * is the address that is connected to (no DNS rebinding between check and connect).
 */
export function guardedLookup(
  hostname: string,
  options: { all?: boolean },
  callback: LookupCallback,
): void {
  dnsLookup(hostname, { all: true }, (err, addrs) => {
    if (err) return callback(err, []);
    const bad = addrs.find((a) => isPrivateAddress(a.address));
    if (bad) {
      const e: NodeJS.ErrnoException = new Error(`blocked non-public address ${bad.address}`);
      e.code = 'EBLOCKED';
      return callback(e, []);
    }
    if (options.all) return callback(null, addrs);
    const first = addrs[0];
    if (!first) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}
