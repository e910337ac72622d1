/** Helpers for SDK tests against the real server: clients over real sockets, awaited events. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '@causette/server';
import {
  createClient,
  memoryStorage,
  type CausetteClient,
  type ClientEvents,
  type KeyValueStorage,
} from '@causette/sdk-web';

export const tmpDir = () => mkdtempSync(join(tmpdir(), 'causette-sdk-'));

/** An in-process server on a free port with its own data folder. */
export async function server(): Promise<RunningServer & { apiKey: string }> {
  const s = await startServer({ port: 0, dataDir: tmpDir(), logLevel: 'silent' });
  if (!s.apiKey) throw new Error('expected a fresh database');
  return { ...s, apiKey: s.apiKey };
}

export function client(
  url: string,
  appId: string,
  storage: KeyValueStorage = memoryStorage(),
  userToken?: string,
): CausetteClient {
  return createClient({
    appId,
    url,
    storage,
    WebSocket,
    backoff: { base: 50, cap: 500 },
    ...(userToken && { userToken }),
  });
}

/** The next `type` event matching `pred` (subscribe before acting). */
export function next<K extends keyof ClientEvents>(
  c: CausetteClient,
  type: K,
  pred: (e: ClientEvents[K]) => boolean = () => true,
): Promise<ClientEvents[K]> {
  return new Promise((resolve) => {
    const off = c.on(type, (e) => {
      if (!pred(e)) return;
      off();
      resolve(e);
    });
  });
}

/** Connect and resolve once the handshake is done. */
export async function connect(c: CausetteClient): Promise<void> {
  const up = next(c, 'state', (e) => e.newState === 'connected');
  c.connect();
  await up;
}

/** Resolves once every listed text has status `sent` (as seen by message:status events). */
export function allSent(c: CausetteClient, texts: string[]): Promise<void> {
  const left = new Set(texts);
  return new Promise((resolve) => {
    const off = c.on('message:status', ({ message }) => {
      if (message.status === 'sent') left.delete(message.text);
      if (left.size === 0) {
        off();
        resolve();
      }
    });
  });
}

/** The thread as the server stores it, read over the agent REST API. */
export async function stored(url: string, apiKey: string, threadId: string) {
  const all: { seq: number; text: string; clientId: string | null }[] = [];
  let after = 0;
  for (;;) {
    const r = await fetch(`${url}/v1/threads/${threadId}/messages?after=${after}&limit=100`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    if (!r.ok) throw new Error(`history: HTTP ${r.status} ${await r.text()}`);
    const page = (await r.json()) as { messages: typeof all; hasMore: boolean };
    all.push(...page.messages);
    if (!page.hasMore || page.messages.length === 0) return all;
    after = page.messages.at(-1)!.seq;
  }
}

/** An agent reply over REST. */
export async function agentReply(url: string, apiKey: string, threadId: string, text: string) {
  const r = await fetch(`${url}/v1/threads/${threadId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text, author: { kind: 'agent', name: 'Ana' } }),
  });
  if (!r.ok) throw new Error(`reply: HTTP ${r.status} ${await r.text()}`);
}
