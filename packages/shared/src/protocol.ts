/** Protocol constants: version, endpoint paths and how a socket carries its session token. */

/** Wire protocol version spoken by this package; sent in `hello`, echoed in `welcome`. */
export const PROTOCOL_VERSION = 1;
/** WebSocket endpoint (same port as the REST API). */
export const WS_PATH = '/v1/ws';
/** Subprotocol the server selects; the client offers it first. */
export const WS_SUBPROTOCOL = 'causette.v1';
/**
 * The session token travels as a second offered subprotocol `causette.token.<token>` so it
 * never appears in URLs (and therefore in proxy or access logs). The server never selects it.
 */
export const WS_TOKEN_PREFIX = 'causette.token.';
/** Default heartbeat period; a peer silent for 2 periods is considered dead. */
export const DEFAULT_HEARTBEAT_MS = 25_000;
