/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: store open, not draining). */
import { Hono } from 'hono';
import type { AppEnv, Services } from '../env.js';

export function healthRoutes(s: Services) {
  return new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ ok: true }))
    .get('/readyz', (c) =>
      s.isReady() ? c.json({ ready: true, epoch: s.store.epoch }) : c.json({ ready: false }, 503),
    );
}
