/**
 * The storage contract. Handlers depend on this interface only, so a PostgreSQL (or other)
 * implementation can replace the embedded SQLite one without touching them.
 */
import type { Author, Message, Metadata, Reader, Thread, ThreadStatus } from '@causette/shared';

/** What the widget reads: greeting, away message, expected reply time, pre-chat form. */
export interface AppSettings {
  greeting: string;
  awayMessage: string;
  expectedReplyTime: string;
  preChatForm: { enabled: boolean; fields: ('name' | 'email')[] };
}

export interface AppRecord {
  id: string;
  name: string;
  identitySecret: string;
  allowedOrigins: string[];
  settings: AppSettings;
  createdAt: number;
}

export interface ContactRecord {
  id: string;
  appId: string;
  externalId: string | null;
  name: string | null;
  email: string | null;
  attributes: Record<string, unknown>;
  mergedInto: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface ThreadRecord {
  id: string;
  appId: string;
  contactId: string;
  status: ThreadStatus;
  assignee: string | null;
  tags: string[];
  lastSeq: number;
  createdAt: number;
  updatedAt: number;
}

export interface AppendInput {
  appId: string;
  threadId: string;
  /** Idempotency key: a second append with the same (thread, clientId) returns the first. */
  clientId: string | null;
  author: Author;
  text: string;
  metadata?: Metadata;
  ts: number;
}

export type AppendResult =
  | { ok: true; message: Message; duplicate: boolean }
  | { ok: false; code: 'not_found'; message: string };

export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
}

/** An event written to the transactional outbox in the same transaction as its cause. */
export interface OutboxEvent {
  id: string;
  appId: string;
  type: string;
  payload: unknown;
  createdAt: number;
}

export interface Store {
  /** Identifies this database; a restored or replaced one has a different epoch. */
  readonly epoch: string;
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;

  countApps(): Promise<number>;
  createApp(app: AppRecord): Promise<void>;
  getApp(appId: string): Promise<AppRecord | null>;
  createApiKey(key: {
    id: string;
    appId: string;
    name: string;
    prefix: string;
    hash: string;
  }): Promise<void>;
  /** The app an API key (by SHA-256 hash) belongs to, unless revoked. */
  findApiKey(hash: string): Promise<{ id: string; appId: string } | null>;

  createContact(
    appId: string,
    fields?: { externalId?: string; name?: string; email?: string },
  ): Promise<ContactRecord>;
  getContact(appId: string, contactId: string): Promise<ContactRecord | null>;
  /** Find or create the contact for a brand user id; updates name/email when given. */
  upsertIdentifiedContact(
    appId: string,
    externalId: string,
    fields: { name?: string; email?: string },
  ): Promise<{ contact: ContactRecord; created: boolean }>;
  /** Move an anonymous contact's threads to `intoId` and mark it merged; returns moved thread ids. */
  mergeContact(appId: string, fromId: string, intoId: string): Promise<string[]>;

  createThread(appId: string, contactId: string): Promise<ThreadRecord>;
  getThread(appId: string, threadId: string): Promise<ThreadRecord | null>;
  /** The thread as the visitor sees it: read cursors, unread count, last message. */
  threadView(appId: string, threadId: string): Promise<Thread | null>;
  listThreadViews(appId: string, contactId: string): Promise<Thread[]>;

  /** Append a batch in ONE transaction (group commit); results in input order. */
  appendMessages(inputs: AppendInput[]): Promise<AppendResult[]>;
  history(
    threadId: string,
    q: { beforeSeq?: number; afterSeq?: number; limit: number },
  ): Promise<HistoryPage>;
  /** Move a read cursor forward (never back); returns the cursor after the call. */
  setReadCursor(appId: string, threadId: string, reader: Reader, seq: number): Promise<number>;

  close(): Promise<void>;
}
