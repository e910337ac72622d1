/** Drizzle schema of the SQLite store; migrations under /drizzle are generated from this file. */

import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

/** Key/value facts about this database: `epoch`, the server signing key. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const apps = sqliteTable('apps', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** HS256 secret shared with the brand's backend to sign identity JWTs (needed to verify). */
  identitySecret: text('identity_secret').notNull(),
  /** JSON array of allowed browser origins; `*` allows any. */
  allowedOrigins: text('allowed_origins').notNull().default('[]'),
  /** JSON object: greeting, away message, expected reply time, pre-chat form. */
  settings: text('settings').notNull().default('{}'),
  createdAt: integer('created_at').notNull(),
});

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id),
    name: text('name').notNull(),
    /** First characters of the key, shown in listings to tell keys apart. */
    prefix: text('prefix').notNull(),
    /** SHA-256 of the full key; the key itself is never stored. */
    hash: text('hash').notNull(),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash').on(t.hash), index('api_keys_app').on(t.appId)],
);

export const contacts = sqliteTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id),
    /** The brand's user id (JWT `sub`) once identified; null for anonymous visitors. */
    externalId: text('external_id'),
    name: text('name'),
    email: text('email'),
    attributes: text('attributes').notNull().default('{}'),
    /** Set when this anonymous contact was merged into an identified one. */
    mergedInto: text('merged_into'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('contacts_app_external').on(t.appId, t.externalId),
    index('contacts_app').on(t.appId, t.updatedAt),
  ],
);

export const threads = sqliteTable(
  'threads',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id),
    status: text('status', { enum: ['open', 'closed', 'snoozed'] })
      .notNull()
      .default('open'),
    assignee: text('assignee'),
    tags: text('tags').notNull().default('[]'),
    /** Highest seq assigned in this thread; bumped in the insert transaction. */
    lastSeq: integer('last_seq').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // Not (contact, updated_at): every message moves updated_at, and a contact has few threads
    // to sort; keeping the timestamp out of this index saves an index update per message.
    index('threads_contact').on(t.contactId),
    index('threads_app').on(t.appId, t.updatedAt),
  ],
);

export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    threadId: text('thread_id')
      .notNull()
      .references(() => threads.id),
    seq: integer('seq').notNull(),
    /** Client-generated id: the idempotency key of a send. */
    clientId: text('client_id'),
    authorKind: text('author_kind', { enum: ['visitor', 'agent', 'bot', 'system'] }).notNull(),
    authorId: text('author_id'),
    authorName: text('author_name'),
    authorAvatar: text('author_avatar'),
    text: text('text').notNull(),
    metadata: text('metadata'),
    createdAt: integer('created_at').notNull(),
  },
  // No (thread_id, seq) index here: with many active threads it dirties one page per thread per
  // commit. `message_runs` holds that order instead, written in bulk (store/sqlite/seq-index.ts).
  (t) => [
    // Idempotency key. Client id first: SDK client ids are time-ordered (UUIDv7), so new
    // entries append at the end of this index instead of dirtying one page per thread per commit.
    uniqueIndex('messages_client_thread').on(t.clientId, t.threadId),
  ],
);

/**
 * Per-thread order of messages, in runs: one row maps the seqs `first_seq..last_seq` of a
 * thread to their `messages.rowid`s (a JSON array, one per seq). Filled in bulk, inside an
 * append transaction, for every message up to the rowid kept in meta `seq_index_upto`: each
 * bulk step adds about one row per thread instead of one row per message. A run never crosses
 * a multiple of `RUN_SPAN` seqs, so the run holding a seq starts fewer than `RUN_SPAN` seqs
 * before it. Readers look here and at the unindexed tail after that rowid, which they keep in
 * memory (store/sqlite/seq-index.ts).
 * Created WITHOUT ROWID by its migration (drizzle-kit cannot express it).
 */
export const messageRuns = sqliteTable(
  'message_runs',
  {
    threadId: text('thread_id').notNull(),
    firstSeq: integer('first_seq').notNull(),
    lastSeq: integer('last_seq').notNull(),
    rowids: text('rowids').notNull(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.firstSeq] })],
);

/** Per-participant read cursor: `visitor` or `agent`. */
export const readCursors = sqliteTable(
  'read_cursors',
  {
    threadId: text('thread_id')
      .notNull()
      .references(() => threads.id),
    reader: text('reader', { enum: ['visitor', 'agent'] }).notNull(),
    seq: integer('seq').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.reader] })],
);

/**
 * Transactional outbox: every event a webhook may carry is written here in the same
 * transaction as the change that causes it; the dispatcher delivers from this table.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    appId: text('app_id').notNull(),
    type: text('type').notNull(),
    payload: text('payload').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('outbox_app_created').on(t.appId, t.createdAt)],
);

/** A brand's webhook receiver: URL, event filter, signing secret(s), enabled flag. */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** JSON array of event types, or `["*"]`. */
    events: text('events').notNull().default('["*"]'),
    /** `whsec_` + base64 key (Standard Webhooks); needed in clear to sign. */
    secret: text('secret').notNull(),
    /** The secret before the last rotation; also signs until `prev_secret_expires_at`. */
    prevSecret: text('prev_secret'),
    prevSecretExpiresAt: integer('prev_secret_expires_at'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    disabledReason: text('disabled_reason'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('webhook_endpoints_app').on(t.appId)],
);

/**
 * One event for one endpoint. Its state lives here (never only in a timer): `pending` rows
 * whose `next_attempt_at` has passed are due, also after a restart or a crash.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    appId: text('app_id').notNull(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: text('event_id')
      .notNull()
      .references(() => outbox.id),
    status: text('status', { enum: ['pending', 'succeeded', 'dead'] })
      .notNull()
      .default('pending'),
    /** Attempts in the current round (a replay starts a new round). */
    attempts: integer('attempts').notNull().default(0),
    /** Due time while pending; claimed rows are pushed forward by a lease. */
    nextAttemptAt: integer('next_attempt_at'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_endpoint_event').on(t.endpointId, t.eventId),
    index('webhook_deliveries_due').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_endpoint_due').on(t.endpointId, t.status, t.nextAttemptAt),
    index('webhook_deliveries_endpoint').on(t.endpointId, t.createdAt),
  ],
);

/** The delivery log: every HTTP attempt with its outcome, latency and answer excerpt. */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    n: integer('n').notNull(),
    startedAt: integer('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    responseExcerpt: text('response_excerpt'),
  },
  (t) => [index('webhook_attempts_delivery').on(t.deliveryId, t.startedAt)],
);
