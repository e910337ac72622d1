/** Schemas of the objects that travel inside frames and REST bodies: messages, threads, authors. */
import * as v from 'valibot';
import { ID_PATTERN } from './ids.js';
import {
  MAX_METADATA_KEYS,
  MAX_METADATA_KEY_LENGTH,
  MAX_METADATA_VALUE_LENGTH,
  MAX_NAME_LENGTH,
  MAX_TEXT_LENGTH,
  MAX_URL_LENGTH,
} from './limits.js';

export const IdSchema = v.pipe(v.string(), v.regex(ID_PATTERN, 'invalid id'));
export const SeqSchema = v.pipe(v.number(), v.integer(), v.minValue(0));
export const TimeSchema = v.pipe(v.number(), v.integer(), v.minValue(0));
export const TextSchema = v.pipe(
  v.string(),
  v.minLength(1, 'text is empty'),
  v.maxLength(MAX_TEXT_LENGTH, 'text too long'),
);
export const NameSchema = v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH));
export const UrlSchema = v.pipe(v.string(), v.maxLength(MAX_URL_LENGTH), v.url());

/** Free-form key/value pairs attached to a message (bounded in keys and sizes). */
export const MetadataSchema = v.pipe(
  v.record(
    v.pipe(v.string(), v.maxLength(MAX_METADATA_KEY_LENGTH)),
    v.union([
      v.pipe(v.string(), v.maxLength(MAX_METADATA_VALUE_LENGTH)),
      v.number(),
      v.boolean(),
      v.null(),
    ]),
  ),
  v.check((m) => Object.keys(m).length <= MAX_METADATA_KEYS, 'too many metadata keys'),
);
export type Metadata = v.InferOutput<typeof MetadataSchema>;

export const AuthorKindSchema = v.picklist(['visitor', 'agent', 'bot', 'system']);
export type AuthorKind = v.InferOutput<typeof AuthorKindSchema>;

export const AuthorSchema = v.object({
  kind: AuthorKindSchema,
  id: v.optional(v.string()),
  name: v.optional(NameSchema),
  avatarUrl: v.optional(UrlSchema),
});
export type Author = v.InferOutput<typeof AuthorSchema>;

export const MessageSchema = v.object({
  id: v.string(),
  threadId: v.string(),
  seq: SeqSchema,
  clientId: v.nullable(v.string()),
  author: AuthorSchema,
  text: v.string(),
  metadata: v.optional(MetadataSchema),
  ts: TimeSchema,
});
export type Message = v.InferOutput<typeof MessageSchema>;

export const ThreadStatusSchema = v.picklist(['open', 'closed', 'snoozed']);
export type ThreadStatus = v.InferOutput<typeof ThreadStatusSchema>;

export const ThreadSchema = v.object({
  id: v.string(),
  status: ThreadStatusSchema,
  lastSeq: SeqSchema,
  /** Highest seq the visitor has read. */
  visitorReadSeq: SeqSchema,
  /** Highest seq an agent has read. */
  agentReadSeq: SeqSchema,
  /** Messages from others that the visitor has not read. */
  unread: SeqSchema,
  lastMessage: v.nullable(MessageSchema),
  createdAt: TimeSchema,
  updatedAt: TimeSchema,
});
export type Thread = v.InferOutput<typeof ThreadSchema>;

export const ReaderSchema = v.picklist(['visitor', 'agent']);
export type Reader = v.InferOutput<typeof ReaderSchema>;
