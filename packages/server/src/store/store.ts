/**
 * The storage contract. Handlers depend on this interface only, so a PostgreSQL (or other)
 * implementation can replace the embedded SQLite one without touching them.
 */
import type { Author, Message, Metadata, Reader, Thread, ThreadStatus } from '@causette/shared';
import type { WebhookStore } from './webhooks.js';

export type { OutboxEvent } from './webhooks.js';

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

/** What `Store.mergeContact` did. */
export interface MergeResult {
  merged: boolean;
  threadIds: string[];
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
  | {
      ok: true;
      message: Message;
      duplicate: boolean;
      /** This message (a visitor's) reopened a closed or snoozed thread. */
      reopened?: true;
    }
  | { ok: false; code: 'not_found'; message: string };

export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
}

export interface ApiKeyRecord {
  id: string;
  appId: string;
  name: string;
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
}

/** Filters of the back-office thread list; `assignee: 'none'` means unassigned. */
export interface ThreadFilter {
  status?: ThreadStatus;
  assignee?: string;
  tag?: string;
  contactId?: string;
  updatedSince?: number;
  order?: 'asc' | 'desc';
  /** Keyset cursor: the last row of the previous page. */
  after?: { updatedAt: number; id: string };
  limit: number;
}

export interface ThreadPatch {
  status?: ThreadStatus;
  assignee?: string | null;
  tags?: string[];
}

/** A thread as the back office sees it: the record plus read cursors and last message. */
export interface AdminThread extends ThreadRecord {
  visitorReadSeq: number;
  agentReadSeq: number;
  lastMessage: Message | null;
}

export interface ContactFilter {
  q?: string;
  identified?: boolean;
  after?: { createdAt: number; id: string };
  limit: number;
}

export interface ContactPatch {
  name?: string | null;
  email?: string | null;
  /** Merged into the stored attributes; a null value removes the key. */
  attributes?: Record<string, string | number | boolean | null>;
}

export interface AppPatch {
  name?: string;
  settings?: Partial<AppSettings>;
  allowedOrigins?: string[];
}

/** Back-office reads and writes (API key routes); every change that matters writes the outbox. */
export interface AdminStore {
  updateApp(appId: string, patch: AppPatch): Promise<AppRecord | null>;
  listApiKeys(appId: string): Promise<ApiKeyRecord[]>;
  /** Returns false when no such (unrevoked) key exists in this app. */
  revokeApiKey(appId: string, keyId: string): Promise<boolean>;

  listThreads(appId: string, f: ThreadFilter): Promise<AdminThread[]>;
  adminThread(appId: string, threadId: string): Promise<AdminThread | null>;
  /**
   * Apply a patch; when anything changed, `thread.updated` is written to the outbox in the
   * same transaction. Null when the thread is not in this app.
   */
  updateThread(
    appId: string,
    threadId: string,
    patch: ThreadPatch,
  ): Promise<{ thread: ThreadRecord; changed: boolean } | null>;

  listContacts(appId: string, f: ContactFilter): Promise<ContactRecord[]>;
  updateContact(
    appId: string,
    contactId: string,
    patch: ContactPatch,
  ): Promise<ContactRecord | null>;
}

export interface Store extends AdminStore, WebhookStore {
  /**
   * Identifies this database: a replaced one has a different epoch. A backup restored in its
   * place keeps its epoch; resume tells it apart by seqs past a thread's last (connection.ts).
   */
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
  /**
   * Move an anonymous contact's threads to `intoId` and mark it merged. `merged` is false when
   * the merge is refused (`fromId` unknown in this app, identified, already merged, or `intoId`
   * itself); then nothing changed. `threadIds` are the threads moved (none for a contact that
   * had not started one yet, which is still merged).
   */
  mergeContact(appId: string, fromId: string, intoId: string): Promise<MergeResult>;

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
