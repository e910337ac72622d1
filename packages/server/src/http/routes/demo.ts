/** Demo: a page at `/` with the widget snippet, the widget bundles under `/widget/`, an agent console. */
import { Hono } from 'hono';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppEnv, Services } from '../env.js';
import { demoPage } from './demo-page.js';
import { selfOrigin } from '../request-info.js';

const DEFAULT_WIDGET_DIR = fileURLToPath(new URL('../../../../widget/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export function demoRoutes(s: Services) {
  const widgetDir = s.config.widgetDir ?? DEFAULT_WIDGET_DIR;
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const apps = await s.store.getMeta('default_app_id');
      return c.html(demoPage(apps ?? '', existsSync(join(widgetDir, 'loader.js')), selfOrigin(c)));
    })
    .get('/widget/:file{.+}', async (c) => {
      const rel = normalize(c.req.param('file'));
      if (rel.startsWith('..') || rel.includes('\0')) return c.notFound();
      const ext = rel.slice(rel.lastIndexOf('.'));
      const type = TYPES[ext];
      if (!type) return c.notFound();
      try {
        const body = await readFile(join(widgetDir, rel));
        return c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=300' });
      } catch {
        return c.notFound();
      }
    });
}
