/**
 * Example Causette bot: a webhook receiver that
 *  - verifies every request with the reference `standardwebhooks` package (and rejects the rest),
 *  - answers visitor messages through the REST API (idempotently: a redelivered webhook never
 *    makes it reply twice),
 *  - keeps a helpdesk-style mirror of the threads: a full sync over REST at start, then kept
 *    current by `thread.created` / `thread.updated` / `message.created` events.
 *
 * Run it against the demo server (see README.md beside this file):
 *   CAUSETTE_API_KEY=csk_... node examples/bot/src/bot.mjs
 */
import { createServer } from 'node:http';
import { URLSearchParams, pathToFileURL } from 'node:url';
import { Webhook } from 'standardwebhooks';

/** Webhook bodies larger than this are refused (Causette events are a few KB). */
const MAX_BODY = 256 * 1024;
/** The webhook-ids handled recently: delivery is at-least-once, so duplicates are expected. */
const SEEN_CAP = 10_000;

/** The bot's answer to a visitor message. Replace with your own logic (or an LLM call). */
export function defaultReply(text) {
  const t = text.toLowerCase();
  if (/\b(price|pricing|cost)\b/.test(t)) return 'Our plans start at 9 €/month. Want a link?';
  if (/\b(human|agent|person)\b/.test(t)) return 'Sure, I have asked a teammate to join.';
  return `Thanks for your message! A teammate will answer shortly. (You said: "${text.slice(0, 80)}")`;
}

/**
 * @param {{ apiUrl: string, apiKey: string, secret?: string, name?: string,
 *           reply?: (text: string) => string | null, log?: (...a: unknown[]) => void }} opts
 */
export function createBot(opts) {
  const { apiUrl, apiKey, name = 'Causette Bot', reply = defaultReply, log = console.log } = opts;
  /** @type {Webhook | null} */
  let verifier = opts.secret ? new Webhook(opts.secret) : null;
  const seen = new Set();
  /** Helpdesk mirror: thread id -> what a helpdesk shows in its inbox. */
  const threads = new Map();

  async function rest(method, path, body, headers = {}) {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok && res.status !== 409) {
      throw new Error(`${method} ${path}: ${res.status} ${json?.error?.code ?? ''}`);
    }
    return json;
  }

  function mirror(t) {
    const prev = threads.get(t.id) ?? {};
    threads.set(t.id, { ...prev, ...t });
  }

  /** Handle one verified event; throwing makes Causette retry it later. */
  async function handle(event) {
    const { type, data } = event;
    if (type === 'thread.created' || type === 'thread.updated') {
      mirror(data.thread);
      return;
    }
    if (type === 'message.created') {
      const m = data.message;
      mirror({ id: m.threadId, lastSeq: m.seq, lastMessageAt: new Date(m.ts).toISOString() });
      if (m.author.kind !== 'visitor') return; // never answer ourselves or an agent
      const text = reply(m.text);
      if (!text) return;
      await rest('POST', `/v1/threads/${m.threadId}/typing`, {
        on: true,
        author: { kind: 'bot', name },
      });
      // The Idempotency-Key ties the reply to the visitor message: a webhook delivered twice
      // (at-least-once) still produces exactly one reply.
      await rest(
        'POST',
        `/v1/threads/${m.threadId}/messages`,
        { text, author: { kind: 'bot', name } },
        { 'idempotency-key': `bot-${m.id}` },
      );
      await rest('POST', `/v1/threads/${m.threadId}/read`, { seq: m.seq });
      return;
    }
    if (type === 'webhook.test') log('bot: test ping received');
  }

  const server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    let body = '';
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy();
      else body += chunk;
    });
    req.on('end', async () => {
      let event;
      try {
        if (!verifier) throw new Error('no secret yet');
        // Checks the signature (any of the space-separated ones) and the timestamp window.
        event = verifier.verify(body, req.headers);
      } catch {
        res.writeHead(401).end('bad signature');
        return;
      }
      const id = String(req.headers['webhook-id']);
      if (seen.has(id)) {
        res.writeHead(200).end('duplicate');
        return;
      }
      try {
        await handle(event);
        seen.add(id);
        if (seen.size > SEEN_CAP) seen.delete(seen.values().next().value);
        res.writeHead(204).end();
      } catch (e) {
        log('bot: handling failed, Causette will retry:', e.message);
        res.writeHead(500).end();
      }
    });
  });

  return {
    server,
    threads,
    handle,
    /** Listen on `port` (0 = any); resolves with the port. */
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve) =>
        server.listen(port, host, () => resolve(server.address().port)),
      );
    },
    /** Register this bot as a webhook endpoint and keep its secret. */
    async register(url) {
      const ep = await rest('POST', '/v1/webhooks/endpoints', {
        url,
        description: `${name} (example bot)`,
        events: ['thread.created', 'thread.updated', 'message.created'],
      });
      verifier = new Webhook(ep.secret);
      return ep;
    },
    /** Helpdesk sync: page through every thread changed since `since` (oldest change first). */
    async syncThreads(since = 0) {
      let cursor = null;
      let n = 0;
      do {
        const q = new URLSearchParams({ order: 'asc', updatedSince: String(since), limit: '100' });
        if (cursor) q.set('cursor', cursor);
        const page = await rest('GET', `/v1/threads?${q}`);
        for (const t of page.data) mirror(t);
        n += page.data.length;
        cursor = page.nextCursor;
      } while (cursor);
      return n;
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

async function main() {
  const apiUrl = process.env.CAUSETTE_URL ?? 'http://127.0.0.1:8787';
  const apiKey = process.env.CAUSETTE_API_KEY;
  if (!apiKey) {
    console.error('Set CAUSETTE_API_KEY (printed when the server first started).');
    process.exit(2);
  }
  const port = Number(process.env.BOT_PORT ?? 8788);
  const bot = createBot({ apiUrl, apiKey, secret: process.env.WEBHOOK_SECRET });
  await bot.listen(port, process.env.BOT_HOST ?? '127.0.0.1');
  const publicUrl = process.env.BOT_PUBLIC_URL ?? `http://127.0.0.1:${port}/webhooks`;
  if (!process.env.WEBHOOK_SECRET) {
    const ep = await bot.register(publicUrl);
    console.log(`bot: registered endpoint ${ep.id} -> ${publicUrl}`);
  }
  const n = await bot.syncThreads();
  console.log(`bot: synced ${n} threads; listening on ${publicUrl}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(`bot: ${e.message}`);
    process.exit(1);
  });
}
