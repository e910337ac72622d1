/** Frames a client sends to the server, one schema per `type`. */
import * as v from 'valibot';
import { IdSchema, MetadataSchema, SeqSchema, TextSchema, TimeSchema } from './models.js';
import { MAX_PAGE_SIZE, MAX_REF_LENGTH, MAX_RESUME_THREADS } from './limits.js';

const Ref = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_REF_LENGTH));

/** First frame on every connection: protocol version and, on reconnect, what the client holds. */
export const HelloFrame = v.object({
  type: v.literal('hello'),
  v: v.pipe(v.number(), v.integer()),
  resume: v.optional(
    v.object({
      /** The epoch from the previous `welcome`; a different one means the database was replaced. */
      epoch: v.pipe(v.string(), v.maxLength(64)),
      /** Last contiguous seq held per thread. */
      threads: v.pipe(
        v.record(IdSchema, SeqSchema),
        v.check((t) => Object.keys(t).length <= MAX_RESUME_THREADS, 'too many threads'),
      ),
    }),
  ),
});

/**
 * The client ids agent replies are stored under (`idem_` or `idemh_` and their Idempotency-Key):
 * refused in a visitor's `send`, so a visitor cannot take an agent's key in their own thread.
 */
export const AGENT_CLIENT_ID = /^idemh?_/;

/** Post a message; `clientId` makes it idempotent (a resend returns the original ack). */
export const SendFrame = v.object({
  type: v.literal('send'),
  threadId: IdSchema,
  clientId: v.pipe(
    IdSchema,
    v.check((id) => !AGENT_CLIENT_ID.test(id), 'reserved client id'),
  ),
  text: TextSchema,
  metadata: v.optional(MetadataSchema),
});

/** Open a thread: a specific one by id, or a new one when `threadId` is absent. */
export const OpenThreadFrame = v.object({
  type: v.literal('thread.open'),
  ref: Ref,
  threadId: v.optional(IdSchema),
});

/** List the visitor's threads with unread counts and last message. */
export const ListThreadsFrame = v.object({ type: v.literal('threads.list'), ref: Ref });

/** Page a thread's history: messages with seq < beforeSeq (newest first page) or > afterSeq. */
export const HistoryFrame = v.object({
  type: v.literal('history'),
  ref: Ref,
  threadId: IdSchema,
  beforeSeq: v.optional(SeqSchema),
  afterSeq: v.optional(SeqSchema),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_PAGE_SIZE))),
});

/** Mark everything up to `seq` as read. */
export const ReadFrame = v.object({ type: v.literal('read'), threadId: IdSchema, seq: SeqSchema });

/** Ephemeral typing indicator; never stored. */
export const TypingFrame = v.object({
  type: v.literal('typing'),
  threadId: IdSchema,
  on: v.boolean(),
});

/** Application-level heartbeat (browsers cannot see WebSocket pings). */
export const PingFrame = v.object({ type: v.literal('ping'), t: TimeSchema });
export const PongFrame = v.object({ type: v.literal('pong'), t: TimeSchema });

export const ClientFrame = v.variant('type', [
  HelloFrame,
  SendFrame,
  OpenThreadFrame,
  ListThreadsFrame,
  HistoryFrame,
  ReadFrame,
  TypingFrame,
  PingFrame,
  PongFrame,
]);
export type ClientFrame = v.InferOutput<typeof ClientFrame>;
export type HelloFrame = v.InferOutput<typeof HelloFrame>;
export type SendFrame = v.InferOutput<typeof SendFrame>;
export type OpenThreadFrame = v.InferOutput<typeof OpenThreadFrame>;
export type ListThreadsFrame = v.InferOutput<typeof ListThreadsFrame>;
export type HistoryFrame = v.InferOutput<typeof HistoryFrame>;
export type ReadFrame = v.InferOutput<typeof ReadFrame>;
export type TypingFrame = v.InferOutput<typeof TypingFrame>;

/** Every client frame type, in the variant's order. */
export const CLIENT_FRAME_TYPES: readonly ClientFrame['type'][] =
  /* @__PURE__ */ ClientFrame.options.map((o) => o.entries.type.literal);
