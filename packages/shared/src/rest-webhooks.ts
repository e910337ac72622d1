/**
 * Webhook schemas (Standard Webhooks): event types, endpoint management bodies, the delivery
 * log and replay requests. Every event is delivered as `{ type, timestamp, data }`.
 */
import * as v from 'valibot';
import { MAX_PAGE_SIZE, MAX_URL_LENGTH } from './limits.js';
import { IdSchema } from './models.js';

/** Every event type an endpoint can subscribe to; `*` subscribes to all. */
export const WEBHOOK_EVENT_TYPES = [
  'thread.created',
  'thread.updated',
  'message.created',
  'message.read',
  'contact.identified',
  'contact.merged',
  'contact.updated',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** Sent only by `POST /v1/webhooks/endpoints/{id}/test`, to that endpoint. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

const IsoTime = v.pipe(v.string(), v.isoTimestamp());
const EventFilter = v.pipe(
  v.array(v.picklist(['*', ...WEBHOOK_EVENT_TYPES])),
  v.minLength(1, 'subscribe to at least one event type (or "*")'),
  v.maxLength(WEBHOOK_EVENT_TYPES.length + 1),
);
const EndpointUrl = v.pipe(
  v.string(),
  v.maxLength(MAX_URL_LENGTH),
  v.url(),
  v.regex(/^https?:\/\//i, 'must be an http(s) URL'),
);
const Description = v.pipe(v.string(), v.maxLength(500));

export const EndpointCreateBody = v.object({
  url: EndpointUrl,
  /** Event types to receive; defaults to `["*"]`. */
  events: v.optional(EventFilter),
  description: v.optional(Description),
  enabled: v.optional(v.boolean()),
  /**
   * `v1` (default): HMAC-SHA256 with a shared `whsec_` secret. `v1a`: Ed25519; the server keeps
   * the signing key and the receiver verifies with the public key `whpk_...`.
   */
  signatureScheme: v.optional(v.picklist(['v1', 'v1a'])),
});
export type EndpointCreateBody = v.InferOutput<typeof EndpointCreateBody>;

/** Re-enabling an endpoint (disabled by a 410 or by hand) resumes its pending deliveries. */
export const EndpointPatchBody = v.pipe(
  v.object({
    url: v.optional(EndpointUrl),
    events: v.optional(EventFilter),
    description: v.optional(Description),
    enabled: v.optional(v.boolean()),
  }),
  v.check((b) => Object.keys(b).length > 0, 'nothing to update'),
);
export type EndpointPatchBody = v.InferOutput<typeof EndpointPatchBody>;

export const EndpointResource = v.object({
  id: v.string(),
  url: v.string(),
  events: v.array(v.string()),
  description: v.string(),
  enabled: v.boolean(),
  signatureScheme: v.picklist(['v1', 'v1a']),
  /** The Ed25519 public key (`whpk_...`) of a `v1a` endpoint, else null. */
  publicKey: v.nullable(v.string()),
  /** Why the server disabled it (`gone`: the receiver answered 410), or null. */
  disabledReason: v.nullable(v.string()),
  /** Until this time deliveries also carry a signature with the previous secret. */
  previousSecretExpiresAt: v.nullable(IsoTime),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type EndpointResource = v.InferOutput<typeof EndpointResource>;
/**
 * Creation and rotation answer with what the receiver verifies with: the shared secret
 * (`whsec_...`, shown only here) or, for `v1a`, the public key (`whpk_...`).
 */
export const EndpointWithSecret = v.object({ ...EndpointResource.entries, secret: v.string() });
export const EndpointList = v.object({ data: v.array(EndpointResource) });

/** `POST /v1/webhooks/endpoints/{id}/rotate-secret`: old secret keeps signing for the overlap. */
export const RotateSecretBody = v.object({
  /** Seconds during which both signatures are sent (default 86400, 0 ends the old one now). */
  overlapSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(604800))),
});

export const DeliveryStatusSchema = v.picklist(['pending', 'succeeded', 'dead']);
export type DeliveryStatus = v.InferOutput<typeof DeliveryStatusSchema>;

export const DeliveryListQuery = v.object({
  status: v.optional(DeliveryStatusSchema),
  cursor: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,200}$/, 'invalid cursor'))),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, 'must be an integer'),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(MAX_PAGE_SIZE),
    ),
  ),
});
export type DeliveryListQuery = v.InferOutput<typeof DeliveryListQuery>;

export const AttemptResource = v.object({
  n: v.number(),
  at: IsoTime,
  /** HTTP status, or null when no answer came (refused, timeout, blocked address). */
  statusCode: v.nullable(v.number()),
  durationMs: v.number(),
  error: v.nullable(v.string()),
  /** The first bytes of the receiver's answer. */
  responseExcerpt: v.nullable(v.string()),
});

export const DeliveryResource = v.object({
  id: v.string(),
  endpointId: v.string(),
  /** The `webhook-id` header: the event id, the same on every retry and replay. */
  eventId: v.string(),
  eventType: v.string(),
  status: DeliveryStatusSchema,
  attempts: v.number(),
  nextAttemptAt: v.nullable(IsoTime),
  lastStatusCode: v.nullable(v.number()),
  lastError: v.nullable(v.string()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type DeliveryResource = v.InferOutput<typeof DeliveryResource>;
export const DeliveryPage = v.object({
  data: v.array(DeliveryResource),
  nextCursor: v.nullable(v.string()),
});
export const DeliveryDetail = v.object({
  ...DeliveryResource.entries,
  payload: v.unknown(),
  attemptLog: v.array(AttemptResource),
});

/**
 * A replay's time bound, read as ms since epoch. `isoTimestamp` admits forms `Date.parse` cannot
 * read (an offset of hours only, `+05`): those are refused here rather than becoming NaN.
 */
const ReplayTime = v.pipe(
  v.string(),
  v.isoTimestamp(),
  v.check((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 time with a full offset'),
  v.transform((s) => Date.parse(s)),
);

/** `POST /v1/webhooks/endpoints/{id}/replay`: one event by id, or every event in a time range. */
export const ReplayBody = v.union([
  v.object({ eventId: IdSchema }),
  v.object({
    since: ReplayTime,
    until: v.optional(ReplayTime),
  }),
]);
export type ReplayBody = v.InferOutput<typeof ReplayBody>;
export const ReplayResponse = v.object({ queued: v.number() });
export const TestPingResponse = v.object({ eventId: v.string(), deliveryId: v.string() });
