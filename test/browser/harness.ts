/**
 * Real-browser harness: Debian's chromium driven by playwright-core (never a downloaded
 * browser), the real Causette server started in-process, and brand pages served from
 * another origin by a tiny HTTP server, each embedding the widget with the README snippet.
 * Missing chromium or an unbuilt widget is an error, never a skip.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '@causette/server';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = new URL('../../', import.meta.url).pathname;
export const WIDGET_DIST = join(root, 'packages/widget/dist');
export const RESULTS = join(root, 'test-results/browser');

/** Launch headless chromium; throws (so the suite fails) when it cannot run. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  if (!existsSync(join(WIDGET_DIST, 'loader.js')) || !existsSync(join(WIDGET_DIST, 'widget.js'))) {
    throw new Error(`widget bundles missing in ${WIDGET_DIST}: run pnpm build first`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export interface PageOptions {
  /** Extra <head> markup (hostile CSS, ...). */
  head?: string;
  /** Extra <body> markup placed before the snippet. */
  body?: string;
  /** `data-*` attributes for the loader's script tag, e.g. { locale: 'ar' }. */
  data?: Record<string, string>;
  /** Script run before the snippet (e.g. queued `Causette(...)` calls). */
  before?: string;
}

export interface Stack {
  server: RunningServer;
  apiKey: string;
  /** Origin of the brand pages (not the server's). */
  hostUrl: string;
  /** URL of a brand page embedding the widget; `name` keys the page. */
  page(name: string, opts?: PageOptions): string;
  /** Post an agent reply over REST, as a back-office tool would. */
  agentReply(
    threadId: string,
    text: string,
    author?: { name: string; avatarUrl?: string },
  ): Promise<void>;
  /** POST a back-office call (`/v1/threads/{id}/typing`, `/read`, `/close`, ...); returns the status. */
  agentPost(path: string, body?: unknown): Promise<number>;
  /** All stored messages of a thread, over REST. */
  history(
    threadId: string,
  ): Promise<{ text: string; author: { kind: string }; seq: number; metadata?: unknown }[]>;
  stop(): Promise<void>;
}

function pageHtml(server: RunningServer, o: PageOptions): string {
  const data = Object.entries({ 'app-id': server.appId, ...o.data })
    .map(([k, v]) => ` data-${k}="${v}"`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>Brand page</title>${o.head ?? ''}</head>
<body><main><h1>Brand page</h1><p>Our products.</p><a href="#top">A page link</a></main>
${o.body ?? ''}
<script>window.Causette=window.Causette||function(){(Causette.q=Causette.q||[]).push(arguments)};${o.before ?? ''}</script>
<script src="${server.url}/widget/loader.js"${data} async></script>
</body></html>`;
}

/** Start the server and the brand-page origin. */
export async function startStack(): Promise<Stack> {
  const pages = new Map<string, string>();
  const host: Server = createServer((req, res) => {
    const html = pages.get((req.url ?? '/').split('?')[0]!.slice(1));
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
  const hostUrl = `http://127.0.0.1:${(host.address() as { port: number }).port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'causette-browser-'));
  const server = await startServer({
    port: 0,
    dataDir,
    logLevel: 'silent',
    allowedOrigins: [hostUrl],
    widgetDir: WIDGET_DIST,
  });
  const apiKey = server.apiKey;
  if (!apiKey) throw new Error('a fresh data folder must print an API key');
  const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  return {
    server,
    apiKey,
    hostUrl,
    page(name, opts = {}) {
      pages.set(name, pageHtml(server, opts));
      return `${hostUrl}/${name}`;
    },
    async agentReply(threadId, text, author = { name: 'Ana' }) {
      const r = await fetch(`${server.url}/v1/threads/${threadId}/messages`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ text, author }),
      });
      if (r.status !== 201) throw new Error(`agent reply failed: ${r.status} ${await r.text()}`);
    },
    async agentPost(path, body) {
      const r = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: auth,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      await r.arrayBuffer();
      return r.status;
    },
    async history(threadId) {
      const r = await fetch(`${server.url}/v1/threads/${threadId}/messages?limit=100`, {
        headers: auth,
      });
      if (!r.ok) throw new Error(`history failed: ${r.status}`);
      return ((await r.json()) as { messages: Awaited<ReturnType<Stack['history']>> }).messages;
    },
    async stop() {
      await server.stop();
      await new Promise((r) => host.close(r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The widget's parts, inside its shadow root (Playwright CSS selectors pierce open roots). */
export function widget(page: Page) {
  const host = page.locator('[data-causette]');
  return {
    host,
    launcher: host.locator('button.l'),
    panel: host.locator('[role="dialog"]'),
    input: host.locator('textarea'),
    send: host.locator('button.s'),
    log: host.locator('ol.m'),
    bubbles: host.locator('li.r'),
    banner: host.locator('p.o'),
    badge: host.locator('button.l .b'),
  };
}

/** Wait until the lazy bundle has taken over from the loader's static launcher. */
export async function mounted(page: Page): Promise<void> {
  await widget(page).host.locator('.z').waitFor({ state: 'attached' });
}

/** Open the panel with the launcher and wait for the composer. */
export async function openPanel(page: Page): Promise<void> {
  const w = widget(page);
  await w.launcher.click();
  await w.input.waitFor();
}

/** Send `text` from the composer and wait until the bubble shows it as delivered. */
export async function sendMessage(page: Page, text: string): Promise<Locator> {
  const w = widget(page);
  await w.input.fill(text);
  await w.input.press('Enter');
  const bubble = w.bubbles.filter({ hasText: text });
  await bubble.locator('.t', { hasText: 'Sent' }).waitFor();
  return bubble;
}

/** The id of the thread shown in the panel. */
export async function threadIdOf(page: Page): Promise<string> {
  const id = await widget(page).log.getAttribute('data-thread');
  if (!id) throw new Error('no thread open');
  return id;
}

/** Save a screenshot under test-results/browser/ (gitignored; kept as a CI artifact). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `${name}.png`) });
}

/** A fresh context (own storage) with dialogs recorded: any dialog means a script ran. */
export async function newContext(
  browser: Browser,
  opts: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; page: Page; dialogs: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...opts });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, dialogs, errors };
}

/** axe-core's source, injected into pages to audit the open panel. */
export const axeSource = (): string =>
  readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * One browser and one server per test file. If either cannot start, every test of the file
 * fails with that error (a failure, never a skip: a machine without chromium must be red).
 */
export function useStack(): { browser: Browser; stack: Stack } {
  const env = {} as { browser: Browser; stack: Stack };
  let failure: unknown;
  beforeAll(async () => {
    try {
      env.browser = await launchBrowser();
      env.stack = await startStack();
    } catch (e) {
      failure = e;
    }
  });
  beforeEach(() => {
    if (failure) throw failure;
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.stack?.stop();
  });
  return env;
}
