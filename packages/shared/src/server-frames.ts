/** Frames the server sends to a client, one schema per `type`. */
import * as v from 'valibot';
import {
  AuthorSchema,
  MessageSchema,
  ReaderSchema,
  SeqSchema,
  ThreadSchema,
  TimeSchema,
} from './models.js';

/** Handshake answer: the database epoch, the caller's contact and heartbeat period. */
export const WelcomeFrame = v.object({
  type: v.literal('welcome'),
  v: v.number(),
  epoch: v.string(),
  contactId: v.string(),
  heartbeatMs: v.number(),
  serverTime: TimeSchema,
});

/** A send was durably committed (or had been: `duplicate: true` returns the original). */
export const AckFrame = v.object({
  type: v.literal('ack'),
  threadId: v.string(),
  clientId: v.string(),
  id: v.string(),
  seq: SeqSchema,
  ts: TimeSchema,
  duplicate: v.boolean(),
});

/** A stored message, live or replayed on resume (in seq order per thread). */
export const MessageFrame = v.object({ type: v.literal('message'), message: MessageSchema });

/** Answer to `thread.open`, and pushed when a thread changes (status, merge). */
export const ThreadFrame = v.object({
  type: v.literal('thread'),
  ref: v.optional(v.string()),
  thread: ThreadSchema,
});

export const ThreadsFrame = v.object({
  type: v.literal('threads'),
  ref: v.string(),
  threads: v.array(ThreadSchema),
});

export const HistoryPageFrame = v.object({
  type: v.literal('history'),
  ref: v.string(),
  threadId: v.string(),
  messages: v.array(MessageSchema),
  hasMore: v.boolean(),
});

/** Read cursor moved (visitor on another tab, or an agent). */
export const ReadCursorFrame = v.object({
  type: v.literal('read'),
  threadId: v.string(),
  reader: ReaderSchema,
  seq: SeqSchema,
});

export const TypingIndicatorFrame = v.object({
  type: v.literal('typing'),
  threadId: v.string(),
  author: AuthorSchema,
  on: v.boolean(),
});

/** Resume could not replay this thread (too far behind, or new epoch): reload it page by page. */
export const ReloadFrame = v.object({
  type: v.literal('reload'),
  threadId: v.string(),
  reason: v.picklist(['too_far_behind', 'epoch_changed']),
  lastSeq: SeqSchema,
});

/** Every replayed message has been sent; what follows is live. */
export const ResumedFrame = v.object({ type: v.literal('resumed'), replayed: v.number() });

export const ErrorFrame = v.object({
  type: v.literal('error'),
  code: v.string(),
  message: v.string(),
  /** The `ref` (or `clientId` for sends) of the frame that failed, when known. */
  ref: v.optional(v.string()),
});

export const ServerPingFrame = v.object({ type: v.literal('ping'), t: TimeSchema });
export const ServerPongFrame = v.object({ type: v.literal('pong'), t: TimeSchema });

export const ServerFrame = v.variant('type', [
  WelcomeFrame,
  AckFrame,
  MessageFrame,
  ThreadFrame,
  ThreadsFrame,
  HistoryPageFrame,
  ReadCursorFrame,
  TypingIndicatorFrame,
  ReloadFrame,
  ResumedFrame,
  ErrorFrame,
  ServerPingFrame,
  ServerPongFrame,
]);
export type ServerFrame = v.InferOutput<typeof ServerFrame>;
export type WelcomeFrame = v.InferOutput<typeof WelcomeFrame>;
export type AckFrame = v.InferOutput<typeof AckFrame>;
export type MessageFrame = v.InferOutput<typeof MessageFrame>;
export type ThreadFrame = v.InferOutput<typeof ThreadFrame>;
export type ThreadsFrame = v.InferOutput<typeof ThreadsFrame>;
export type HistoryPageFrame = v.InferOutput<typeof HistoryPageFrame>;
export type ReadCursorFrame = v.InferOutput<typeof ReadCursorFrame>;
export type TypingIndicatorFrame = v.InferOutput<typeof TypingIndicatorFrame>;
export type ReloadFrame = v.InferOutput<typeof ReloadFrame>;
export type ResumedFrame = v.InferOutput<typeof ResumedFrame>;
export type ErrorFrame = v.InferOutput<typeof ErrorFrame>;

/** Every server frame type, in the variant's order. */
export const SERVER_FRAME_TYPES: readonly ServerFrame['type'][] =
  /* @__PURE__ */ ServerFrame.options.map((o) => o.entries.type.literal);
