/** Stable error codes carried by `error` frames and REST `{ error: { code, message } }` bodies. */

export const ErrorCode = {
  /** The frame or body was not valid JSON. */
  BadJson: 'bad_json',
  /** Valid JSON but not a valid frame / body for its type. */
  BadFrame: 'bad_frame',
  /** The frame `type` is not part of this protocol version. */
  UnknownType: 'unknown_type',
  /** The frame or body exceeded a size limit. */
  TooLarge: 'too_large',
  /** A frame other than `hello` arrived before the handshake finished. */
  NotReady: 'not_ready',
  /** The client speaks a protocol version this server does not. */
  UnsupportedVersion: 'unsupported_version',
  /** Missing credentials. */
  Unauthorized: 'unauthorized',
  /** A token or key that failed verification (forged, malformed, revoked). */
  InvalidToken: 'invalid_token',
  /** A token past its `exp`. */
  TokenExpired: 'token_expired',
  /**
   * `POST /v1/session`: the `visitorToken` is no longer accepted (expired, malformed, another
   * app's, or its contact merged into another). Ask again without it; a `userToken` sent with
   * it is not the problem.
   */
  InvalidVisitorToken: 'invalid_visitor_token',
  /** The request's Origin is not allowed for this app. */
  ForbiddenOrigin: 'forbidden_origin',
  /** Unknown app. */
  UnknownApp: 'unknown_app',
  /** The resource does not exist or belongs to someone else (never distinguished). */
  NotFound: 'not_found',
  /** Too many frames or requests; slow down. */
  RateLimited: 'rate_limited',
  /** This visitor already holds as many open sockets as the server allows (one per tab). */
  TooManyConnections: 'too_many_connections',
  /** The same idempotency key was reused with a different body. */
  IdempotencyConflict: 'idempotency_conflict',
  /** Request body/query failed validation. */
  ValidationFailed: 'validation_failed',
  /** The thread is closed and does not accept visitor messages. */
  ThreadClosed: 'thread_closed',
  /** The server is shutting down or not ready. */
  Unavailable: 'unavailable',
  /** A bug on our side; the message has details safe to show. */
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Codes after which resending the same request can never succeed. Written as literals (the
 * type still checks each one): the SDK bundles this set, and a reference to `ErrorCode` would
 * bundle every code with it.
 */
export const NON_RETRYABLE_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'bad_frame',
  'bad_json',
  'too_large',
  'unknown_type',
  'not_found',
  'thread_closed',
  'validation_failed',
]);

/** WebSocket close codes used by the server (4000-4999 are application-defined). */
export const CloseCode = {
  /** Server shutting down; reconnect later (standard 1001). */
  GoingAway: 1001,
  /** Frame over MAX_FRAME_BYTES (standard 1009, sent by the ws library). */
  TooLarge: 1009,
  /** Protocol violation (bad handshake, unsupported version). */
  ProtocolError: 4002,
  /** Session token no longer valid; get a new one before reconnecting. */
  Unauthorized: 4001,
  /** The socket's send buffer passed the server's limit; reconnect and resume. */
  SlowConsumer: 4008,
  /** No frame (not even a pong) within the heartbeat window. */
  HeartbeatTimeout: 4010,
  /** The connection kept flooding after rate-limit errors. */
  RateLimited: 4029,
  /** This visitor already holds as many open sockets as the server allows. */
  TooManyConnections: 4009,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** An error with a stable code, usable on both sides of the wire. */
export class CausetteError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'CausetteError';
    this.code = code;
  }
}

/** True when `e` carries the given stable code (compare codes, not classes, across packages). */
export function hasCode(e: unknown, code: ErrorCode): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}
