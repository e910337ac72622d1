/** Schemas of REST request and response bodies shared by the server and its clients. */
import * as v from 'valibot';
import { IdSchema, MetadataSchema, NameSchema, TextSchema, UrlSchema } from './models.js';
import { MAX_PAGE_SIZE } from './limits.js';

/** `POST /v1/session`: start or refresh a visitor session (public, origin-checked). */
export const SessionRequest = v.object({
  appId: IdSchema,
  /** A visitor token from a previous session; absent on a first visit. */
  visitorToken: v.optional(v.pipe(v.string(), v.maxLength(2048))),
  /** HS256 JWT signed by the brand's backend (`sub`, `exp`, optional `name`, `email`). */
  userToken: v.optional(v.pipe(v.string(), v.maxLength(4096))),
});
export type SessionRequest = v.InferOutput<typeof SessionRequest>;

export const SessionResponse = v.object({
  token: v.string(),
  contactId: v.string(),
  identified: v.boolean(),
  expiresAt: v.number(),
});
export type SessionResponse = v.InferOutput<typeof SessionResponse>;

/** Who an agent-side request speaks as (default: an agent with no name). */
export const AgentAuthorInput = v.object({
  kind: v.optional(v.picklist(['agent', 'bot'])),
  id: v.optional(v.pipe(v.string(), v.maxLength(64))),
  name: v.optional(NameSchema),
  avatarUrl: v.optional(UrlSchema),
});

/** `POST /v1/threads/{id}/messages`: an agent or bot reply. */
export const PostMessageBody = v.object({
  text: TextSchema,
  author: v.optional(AgentAuthorInput),
  metadata: v.optional(MetadataSchema),
});
export type PostMessageBody = v.InferOutput<typeof PostMessageBody>;

const IntFromString = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,15}$/, 'must be a non-negative integer'),
    v.transform(Number),
    v.minValue(min),
    v.maxValue(max),
  );

/** `GET /v1/threads/{id}/messages` query: `before`/`after` are seqs (cursor), `limit` page size. */
export const HistoryQuery = v.object({
  before: v.optional(IntFromString(0, Number.MAX_SAFE_INTEGER)),
  after: v.optional(IntFromString(0, Number.MAX_SAFE_INTEGER)),
  limit: v.optional(IntFromString(1, MAX_PAGE_SIZE)),
});
export type HistoryQuery = v.InferOutput<typeof HistoryQuery>;

export const ErrorBody = v.object({ error: v.object({ code: v.string(), message: v.string() }) });
export type ErrorBody = v.InferOutput<typeof ErrorBody>;
