/** Connection states and the reason codes carried by every `state` event. */

/**
 * Where the connection is. Every change goes through one `setState` (connection.ts) and is
 * emitted as `state {oldState, newState, reason}`.
 *
 * - `idle`: created, `connect()` not called yet.
 * - `connecting`: first attempt after `connect()` (session request, socket, handshake).
 * - `connected`: handshake done (`welcome` received); live frames flow.
 * - `reconnecting`: the link was lost; a retry is scheduled with backoff or in progress.
 * - `closed`: `disconnect()` was called, or a fatal error (origin refused, bad protocol).
 */
export const State = {
  Idle: 'idle',
  Connecting: 'connecting',
  Connected: 'connected',
  Reconnecting: 'reconnecting',
  Closed: 'closed',
} as const;
export type State = (typeof State)[keyof typeof State];

/**
 * Why the state changed (the `reason` of a `state` event):
 * - `connect` / `disconnect`: the app called `connect()` / `disconnect()`.
 * - `welcome`: the server answered the handshake.
 * - `closed`: the socket closed or could not open (network, server restart).
 * - `heartbeat`: no frame within two heartbeat periods; the socket was dead.
 * - `offline`: the browser reported going offline.
 * - `failed`: the session request or the socket could not be set up (network, server
 *   down).
 * - `fatal`: refused for good (origin not allowed, unknown app, protocol version).
 * - `identity`: `identify()` or `logout()` changed who we are.
 */
export type Reason =
  | 'connect'
  | 'disconnect'
  | 'welcome'
  | 'closed'
  | 'heartbeat'
  | 'offline'
  | 'failed'
  | 'fatal'
  | 'identity';
