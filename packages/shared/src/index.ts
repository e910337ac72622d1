/** @causette/shared: the wire protocol shared by server, SDK and widget. No I/O. */
export * from './protocol.js';
export * from './limits.js';
export * from './errors.js';
export * from './ids.js';
export * from './models.js';
export * from './client-frames.js';
export * from './server-frames.js';
export * from './rest.js';
export * from './parse.js';
export * from './rest-bridge.js';
export * from './rest-webhooks.js';
