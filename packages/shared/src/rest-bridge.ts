/**
 * Schemas of the back-office bridge (REST API v1 behind an API key): threads, contacts, app
 * settings, API keys and webhook endpoints. Request schemas validate; resource schemas describe
 * the JSON the server returns (and feed the OpenAPI document). Times are ISO-8601 strings.
 */
import * as v from 'valibot';
import { IdSchema, MessageSchema, NameSchema, SeqSchema, ThreadStatusSchema } from './models.js';
import { MAX_NAME_LENGTH, MAX_PAGE_SIZE, MAX_TEXT_LENGTH } from './limits.js';
import { AgentAuthorInput } from './rest.js';

/** Longest tag, most tags per thread, longest assignee id. */
export const MAX_TAG_LENGTH = 64;
export const MAX_TAGS = 20;
export const MAX_ASSIGNEE_LENGTH = 128;
/** Contact attributes: at most this many keys after a PATCH. */
export const MAX_CONTACT_ATTRIBUTES = 50;
/** Longest search string for `GET /v1/contacts?q=`. */
export const MAX_SEARCH_LENGTH = 100;

const IsoTime = v.pipe(v.string(), v.isoTimestamp());
const Cursor = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,200}$/, 'invalid cursor'));
const Limit = v.pipe(
  v.string(),
  v.regex(/^\d{1,3}$/, 'must be an integer'),
  v.transform(Number),
  v.minValue(1),
  v.maxValue(MAX_PAGE_SIZE),
);
const Tag = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_TAG_LENGTH));
const Assignee = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ASSIGNEE_LENGTH));
/** A time bound in a query: ISO-8601 (`2026-01-02T03:04:05Z`) or ms since epoch. */
const TimeBound = v.pipe(
  v.string(),
  v.check(
    (s) => /^\d{1,15}$/.test(s) || !Number.isNaN(Date.parse(s)),
    'must be an ISO-8601 time or ms since epoch',
  ),
  v.transform((s) => (/^\d{1,15}$/.test(s) ? Number(s) : Date.parse(s))),
);

/** A page of a list: `nextCursor` is null on the last page. */
export const pageOf = <T extends v.GenericSchema>(item: T) =>
  v.object({ data: v.array(item), nextCursor: v.nullable(v.string()) });

// ---------------------------------------------------------------- threads

/** `GET /v1/threads` query. Newest activity first unless `order=asc`. */
export const ThreadListQuery = v.object({
  status: v.optional(ThreadStatusSchema),
  /** An agent id, or `none` for unassigned threads. */
  assignee: v.optional(Assignee),
  tag: v.optional(Tag),
  contactId: v.optional(IdSchema),
  updatedSince: v.optional(TimeBound),
  order: v.optional(v.picklist(['asc', 'desc'])),
  cursor: v.optional(Cursor),
  limit: v.optional(Limit),
});
export type ThreadListQuery = v.InferOutput<typeof ThreadListQuery>;

/** `PATCH /v1/threads/{id}`: any of status, assignee (null unassigns), tags (replaces). */
export const ThreadPatchBody = v.pipe(
  v.object({
    status: v.optional(ThreadStatusSchema),
    assignee: v.optional(v.nullable(Assignee)),
    tags: v.optional(v.pipe(v.array(Tag), v.maxLength(MAX_TAGS, 'too many tags'))),
  }),
  v.check((b) => Object.keys(b).length > 0, 'nothing to update'),
);
export type ThreadPatchBody = v.InferOutput<typeof ThreadPatchBody>;

export const ThreadResource = v.object({
  id: v.string(),
  contactId: v.string(),
  status: ThreadStatusSchema,
  assignee: v.nullable(v.string()),
  tags: v.array(v.string()),
  lastSeq: SeqSchema,
  visitorReadSeq: SeqSchema,
  agentReadSeq: SeqSchema,
  lastMessage: v.nullable(MessageSchema),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type ThreadResource = v.InferOutput<typeof ThreadResource>;
export const ThreadPage = pageOf(ThreadResource);
export type ThreadPage = v.InferOutput<typeof ThreadPage>;

/** `POST /v1/threads/{id}/read`: move the agent read cursor (the visitor sees read marks). */
export const AgentReadBody = v.object({ seq: SeqSchema });
export const AgentReadResponse = v.object({ threadId: v.string(), seq: SeqSchema });

/** `POST /v1/threads/{id}/typing`: show (or hide) "agent is typing" to the visitor. */
export const AgentTypingBody = v.object({
  on: v.boolean(),
  author: v.optional(AgentAuthorInput),
});
export type AgentTypingBody = v.InferOutput<typeof AgentTypingBody>;

/** `POST /v1/threads/{id}/messages` answer. */
export const PostMessageResponse = v.object({ message: MessageSchema, duplicate: v.boolean() });
export const HistoryResponse = v.object({
  threadId: v.string(),
  messages: v.array(MessageSchema),
  hasMore: v.boolean(),
  cursors: v.object({ before: v.nullable(SeqSchema), after: v.nullable(SeqSchema) }),
});

// ---------------------------------------------------------------- contacts

export const ContactListQuery = v.object({
  /** Case-insensitive substring of name, email or external id. */
  q: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_SEARCH_LENGTH))),
  identified: v.optional(v.picklist(['true', 'false'])),
  cursor: v.optional(Cursor),
  limit: v.optional(Limit),
});
export type ContactListQuery = v.InferOutput<typeof ContactListQuery>;

const AttributeValue = v.union([
  v.pipe(v.string(), v.maxLength(MAX_TEXT_LENGTH)),
  v.number(),
  v.boolean(),
  v.null(),
]);

/** `PATCH /v1/contacts/{id}`: attributes are merged; a `null` value removes the key. */
export const ContactPatchBody = v.pipe(
  v.object({
    name: v.optional(v.nullable(NameSchema)),
    email: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH), v.email()))),
    attributes: v.optional(
      v.pipe(
        v.record(v.pipe(v.string(), v.minLength(1), v.maxLength(64)), AttributeValue),
        v.check((a) => Object.keys(a).length <= MAX_CONTACT_ATTRIBUTES, 'too many attributes'),
      ),
    ),
  }),
  v.check((b) => Object.keys(b).length > 0, 'nothing to update'),
);
export type ContactPatchBody = v.InferOutput<typeof ContactPatchBody>;

export const ContactResource = v.object({
  id: v.string(),
  externalId: v.nullable(v.string()),
  name: v.nullable(v.string()),
  email: v.nullable(v.string()),
  attributes: v.record(v.string(), v.union([v.string(), v.number(), v.boolean(), v.null()])),
  identified: v.boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type ContactResource = v.InferOutput<typeof ContactResource>;
export const ContactPage = pageOf(ContactResource);
export const ContactWithThreads = v.object({
  ...ContactResource.entries,
  threads: v.array(ThreadResource),
});

// ---------------------------------------------------------------- app settings

const PreChatForm = v.object({
  enabled: v.boolean(),
  fields: v.pipe(v.array(v.picklist(['name', 'email'])), v.maxLength(2)),
});
const SettingText = v.pipe(v.string(), v.maxLength(1000));

export const SettingsResource = v.object({
  appId: v.string(),
  name: v.string(),
  greeting: v.string(),
  awayMessage: v.string(),
  expectedReplyTime: v.string(),
  preChatForm: PreChatForm,
  allowedOrigins: v.array(v.string()),
});
export type SettingsResource = v.InferOutput<typeof SettingsResource>;

/** `PATCH /v1/settings`: what the widget shows, and which origins may embed it. */
export const SettingsPatchBody = v.pipe(
  v.object({
    name: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_NAME_LENGTH))),
    greeting: v.optional(SettingText),
    awayMessage: v.optional(SettingText),
    expectedReplyTime: v.optional(v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH))),
    preChatForm: v.optional(PreChatForm),
    allowedOrigins: v.optional(
      v.pipe(
        v.array(
          v.union([
            v.literal('*'),
            v.pipe(v.string(), v.regex(/^https?:\/\/[^/\s]+$/, 'must be scheme://host[:port]')),
          ]),
        ),
        v.maxLength(50),
      ),
    ),
  }),
  v.check((b) => Object.keys(b).length > 0, 'nothing to update'),
);
export type SettingsPatchBody = v.InferOutput<typeof SettingsPatchBody>;

// ---------------------------------------------------------------- API keys

export const ApiKeyCreateBody = v.object({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_NAME_LENGTH)),
});
export const ApiKeyResource = v.object({
  id: v.string(),
  name: v.string(),
  /** First characters of the key, to tell keys apart. */
  prefix: v.string(),
  createdAt: IsoTime,
  revokedAt: v.nullable(IsoTime),
});
export type ApiKeyResource = v.InferOutput<typeof ApiKeyResource>;
/** The only answer that carries the key itself (it is stored hashed). */
export const ApiKeyCreated = v.object({ ...ApiKeyResource.entries, key: v.string() });
export const ApiKeyList = v.object({ data: v.array(ApiKeyResource) });
