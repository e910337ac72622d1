/** Browser Origin checks against an app's allowed origins (cross-site WebSocket hijacking, CSRF). */
import type { AppRecord } from '../store/store.js';

/**
 * A request without Origin is not from a browser page (browsers always send it on WebSocket
 * handshakes and cross-origin fetches), so only the token guards it.
 */
export function originAllowed(
  app: AppRecord,
  origin: string | undefined,
  selfOrigin: string,
): boolean {
  if (origin === undefined) return true;
  if (origin === selfOrigin) return true;
  return app.allowedOrigins.includes('*') || app.allowedOrigins.includes(origin);
}
