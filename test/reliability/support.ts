/**
 * Helpers shared by the reliability suite: a seeded PRNG (runs are repeatable by seed), the
 * server's stored history read back over REST with the API key, and /proc readers for the
 * server process (RSS, open descriptors).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Message } from '@causette/shared';

/** mulberry32: a tiny deterministic PRNG; `CAUSETTE_SEED` overrides the default seed. */
export function rng(seed = Number(process.env.CAUSETTE_SEED ?? 0x5eed)) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** Integer in [lo, hi]. */
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number) => next() < p,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every stored message of a thread, in seq order, paged with `after` over REST. */
export async function threadHistory(
  url: string,
  apiKey: string,
  threadId: string,
): Promise<Message[]> {
  const out: Message[] = [];
  let after = 0;
  for (;;) {
    const res = await fetch(`${url}/v1/threads/${threadId}/messages?after=${after}&limit=100`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    if (!res.ok) throw new Error(`history ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { messages: Message[]; hasMore: boolean };
    out.push(...page.messages);
    if (!page.hasMore || page.messages.length === 0) return out;
    after = page.messages[page.messages.length - 1]!.seq;
  }
}

/** A checksum over the stored history of several threads (ids, seqs, authors, texts). */
export async function historyChecksum(
  url: string,
  apiKey: string,
  threadIds: string[],
): Promise<string> {
  const h = createHash('sha256');
  for (const id of threadIds) h.update(JSON.stringify(await threadHistory(url, apiKey, id)));
  return h.digest('hex');
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Open file descriptors of a process. */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
