/** The embedded, default `Store`: drizzle-orm over better-sqlite3 (WAL, synchronous=FULL). */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import { newId, type Message, type Reader, type Thread } from '@causette/shared';
import type {
  AdminThread,
  ApiKeyRecord,
  AppPatch,
  AppRecord,
  AppendInput,
  ContactFilter,
  ContactPatch,
  ThreadFilter,
  ThreadPatch,
  AppendResult,
  HistoryPage,
  Store,
  ThreadRecord,
} from '../store.js';
import { BACKSTOP_PAGES, startCheckpointer, type Checkpointer } from './checkpointer.js';
import { readSnapshot } from './snapshot.js';
import { openDatabase, type Db } from './open.js';
import { writeOutboxRow } from './outbox.js';
import { threadFacts, threadRow } from './thread-facts.js';
import { apiKeys, apps, meta, readCursors, threads } from './schema.js';
import { fromRaw, toApp, toThread } from './rows.js';
import { prepareSeqIndex, type SeqIndex } from './seq-index.js';
import { prepareAppend, type AppendStatements } from './append.js';
import { SqliteAdminStore } from './admin-store.js';
import { SqliteWebhookStore } from './webhooks-store.js';
import { SqliteContactStore } from './contacts-store.js';
import type {
  AttemptOutcome,
  ClaimOptions,
  EndpointPatch,
  EndpointRecord,
  PruneCursor,
  ReplaySelection,
} from '../webhooks.js';
import type { DeliveryStatus } from '@causette/shared';

function prepareLookups(db: Db) {
  return {
    app: db
      .select()
      .from(apps)
      .where(eq(apps.id, sql.placeholder('appId')))
      .prepare(),
    apiKey: db
      .select({ id: apiKeys.id, appId: apiKeys.appId })
      .from(apiKeys)
      .where(and(eq(apiKeys.hash, sql.placeholder('hash')), isNull(apiKeys.revokedAt)))
      .prepare(),
  };
}

export class SqliteStore implements Store {
  readonly epoch: string;
  readonly sqlite: Database.Database;
  private readonly db: Db;
  private readonly append: AppendStatements;
  private readonly seqIndex: SeqIndex;
  private readonly admin: SqliteAdminStore;
  private readonly hooks: SqliteWebhookStore;
  private readonly contactStore: SqliteContactStore;
  /** Set when checkpoints run on their own thread. */
  readonly checkpointer: Checkpointer | undefined;
  /** Lookups made for every session, socket upgrade and API request: prepared once. */
  private readonly lookups: ReturnType<typeof prepareLookups>;
  private readonly inSnapshot: ReturnType<typeof readSnapshot>;

  /**
   * @param path database file, or `:memory:`
   * @param opts.seqIndexEvery messages gathered before the per-thread order is written in bulk
   *   (tests set it low to cross the indexed / unindexed boundary)
   * @param opts.backgroundCheckpoints WAL checkpoints on a thread of their own (checkpointer.ts);
   *   the server sets it, short-lived commands leave them to SQLite's automatic checkpoint
   */
  constructor(
    path: string,
    opts: { seqIndexEvery?: number; backgroundCheckpoints?: boolean } = {},
  ) {
    const { sqlite, db } = openDatabase(path);
    this.sqlite = sqlite;
    this.db = db;
    if (opts.backgroundCheckpoints && path !== ':memory:') {
      sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
      this.checkpointer = startCheckpointer(path);
    }
    const existing = db.select().from(meta).where(eq(meta.key, 'epoch')).get();
    if (existing) this.epoch = existing.value;
    else {
      this.epoch = newId();
      db.insert(meta).values({ key: 'epoch', value: this.epoch }).run();
    }
    this.inSnapshot = readSnapshot(sqlite);
    this.seqIndex = prepareSeqIndex(sqlite, opts.seqIndexEvery);
    this.append = prepareAppend(sqlite, this.seqIndex);
    this.admin = new SqliteAdminStore(db, sqlite, this.seqIndex, this.inSnapshot, (id) =>
      this.append.forget(id),
    );
    this.hooks = new SqliteWebhookStore(db, sqlite);
    this.contactStore = new SqliteContactStore(db, sqlite);
    this.lookups = prepareLookups(db);
  }

  // Back office (admin-store.ts).
  updateApp = (appId: string, patch: AppPatch) => this.admin.updateApp(appId, patch);
  listApiKeys = (appId: string): Promise<ApiKeyRecord[]> => this.admin.listApiKeys(appId);
  revokeApiKey = (appId: string, keyId: string) => this.admin.revokeApiKey(appId, keyId);
  listThreads = (appId: string, f: ThreadFilter): Promise<AdminThread[]> =>
    this.admin.listThreads(appId, f);
  adminThread = (appId: string, threadId: string) => this.admin.adminThread(appId, threadId);
  updateThread = (appId: string, threadId: string, patch: ThreadPatch) =>
    this.admin.updateThread(appId, threadId, patch);
  listContacts = (appId: string, f: ContactFilter) => this.admin.listContacts(appId, f);
  updateContact = (appId: string, contactId: string, patch: ContactPatch) =>
    this.admin.updateContact(appId, contactId, patch);

  // Webhooks (webhooks-store.ts).
  createEndpoint = (e: EndpointRecord) => this.hooks.createEndpoint(e);
  listEndpoints = (appId: string) => this.hooks.listEndpoints(appId);
  getEndpoint = (appId: string, id: string) => this.hooks.getEndpoint(appId, id);
  updateEndpoint = (appId: string, id: string, patch: EndpointPatch) =>
    this.hooks.updateEndpoint(appId, id, patch);
  deleteEndpoint = (appId: string, id: string) => this.hooks.deleteEndpoint(appId, id);
  fanOut = (now: number, limit: number) => this.hooks.fanOut(now, limit);
  claimDue = (now: number, limit: number, leaseMs: number, opts?: ClaimOptions) =>
    this.hooks.claimDue(now, limit, leaseMs, opts);
  recordAttempts = (os: AttemptOutcome[]) => this.hooks.recordAttempts(os);
  nextDueAt = () => this.hooks.nextDueAt();
  pruneWebhookLog = (before: number, limit: number, from?: PruneCursor) =>
    this.hooks.pruneWebhookLog(before, limit, from);
  listDeliveries = (
    appId: string,
    endpointId: string,
    q: { status?: DeliveryStatus; after?: { createdAt: number; id: string }; limit: number },
  ) => this.hooks.listDeliveries(appId, endpointId, q);
  getDelivery = (appId: string, endpointId: string, deliveryId: string) =>
    this.hooks.getDelivery(appId, endpointId, deliveryId);
  replay = (appId: string, endpointId: string, sel: ReplaySelection, now: number) =>
    this.hooks.replay(appId, endpointId, sel, now);
  createTestEvent = (appId: string, endpointId: string, now: number) =>
    this.hooks.createTestEvent(appId, endpointId, now);

  async getMeta(key: string): Promise<string | null> {
    return this.db.select().from(meta).where(eq(meta.key, key)).get()?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.db
      .insert(meta)
      .values({ key, value })
      .onConflictDoUpdate({ target: meta.key, set: { value } })
      .run();
  }

  async countApps(): Promise<number> {
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(apps)
        .get()?.n ?? 0
    );
  }

  async createApp(app: AppRecord): Promise<void> {
    this.db
      .insert(apps)
      .values({
        id: app.id,
        name: app.name,
        identitySecret: app.identitySecret,
        allowedOrigins: JSON.stringify(app.allowedOrigins),
        settings: JSON.stringify(app.settings),
        createdAt: app.createdAt,
      })
      .run();
  }

  async getApp(appId: string): Promise<AppRecord | null> {
    const r = this.lookups.app.get({ appId });
    return r ? toApp(r) : null;
  }

  async createApiKey(k: { id: string; appId: string; name: string; prefix: string; hash: string }) {
    this.db
      .insert(apiKeys)
      .values({ ...k, createdAt: Date.now() })
      .run();
  }

  async findApiKey(hash: string): Promise<{ id: string; appId: string } | null> {
    return this.lookups.apiKey.get({ hash }) ?? null;
  }

  // Contacts (contacts-store.ts).
  createContact = (
    appId: string,
    fields?: { externalId?: string; name?: string; email?: string },
  ) => this.contactStore.createContact(appId, fields);
  getContact = (appId: string, contactId: string) => this.contactStore.getContact(appId, contactId);
  upsertIdentifiedContact = (
    appId: string,
    externalId: string,
    fields: { name?: string; email?: string },
  ) => this.contactStore.upsertIdentifiedContact(appId, externalId, fields);
  mergeContact = (appId: string, fromId: string, intoId: string) =>
    this.contactStore.mergeContact(appId, fromId, intoId);

  async createThread(appId: string, contactId: string): Promise<ThreadRecord> {
    const now = Date.now();
    const row = {
      id: newId(now),
      appId,
      contactId,
      status: 'open' as const,
      assignee: null,
      tags: '[]',
      lastSeq: 0,
      createdAt: now,
      updatedAt: now,
    };
    this.sqlite
      .transaction(() => {
        this.db.insert(threads).values(row).run();
        this.writeOutbox(appId, 'thread.created', {
          thread: { id: row.id, contactId, status: 'open' },
        });
      })
      .immediate();
    return toThread(row);
  }

  async getThread(appId: string, threadId: string): Promise<ThreadRecord | null> {
    const r = threadRow(this.db, appId, threadId);
    return r ? toThread(r) : null;
  }

  // A view's thread row, cursors, last message and unread count come from one snapshot: a
  // commit by another connection in between would otherwise mix old and new (a last message
  // past the row's lastSeq).
  async threadView(appId: string, threadId: string): Promise<Thread | null> {
    return this.inSnapshot(() => {
      const r = threadRow(this.db, appId, threadId);
      return r ? this.view(toThread(r)) : null;
    });
  }

  async listThreadViews(appId: string, contactId: string): Promise<Thread[]> {
    return this.inSnapshot(() =>
      this.db
        .select()
        .from(threads)
        .where(and(eq(threads.appId, appId), eq(threads.contactId, contactId)))
        .orderBy(desc(threads.updatedAt))
        .limit(200)
        .all()
        .map((r) => this.view(toThread(r))),
    );
  }

  private view(t: ThreadRecord): Thread {
    const { visitorReadSeq, agentReadSeq, lastMessage } = threadFacts(this.db, this.seqIndex, t.id);
    const unread = this.seqIndex.unreadByVisitor(t.id, visitorReadSeq);
    return {
      id: t.id,
      status: t.status,
      lastSeq: t.lastSeq,
      visitorReadSeq,
      agentReadSeq,
      unread,
      lastMessage,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
    };
  }

  async appendMessages(inputs: AppendInput[]): Promise<AppendResult[]> {
    return this.append.run(inputs);
  }

  async history(
    threadId: string,
    q: { beforeSeq?: number; afterSeq?: number; limit: number },
  ): Promise<HistoryPage> {
    // Forward from afterSeq, or else backward from beforeSeq (or the newest); one extra row
    // tells whether more remain that way.
    const order = q.afterSeq !== undefined ? 'asc' : 'desc';
    const rows = this.seqIndex.page(threadId, { ...q, limit: q.limit + 1, order });
    const page = rows.slice(0, q.limit).map(fromRaw);
    return { messages: order === 'asc' ? page : page.reverse(), hasMore: rows.length > q.limit };
  }

  async setReadCursor(
    appId: string,
    threadId: string,
    reader: Reader,
    seq: number,
  ): Promise<number> {
    return this.sqlite
      .transaction(() => {
        const t = this.db
          .select({ lastSeq: threads.lastSeq })
          .from(threads)
          .where(and(eq(threads.appId, appId), eq(threads.id, threadId)))
          .get();
        if (!t) return 0;
        const target = Math.min(seq, t.lastSeq);
        const cur = this.db
          .select({ seq: readCursors.seq })
          .from(readCursors)
          .where(and(eq(readCursors.threadId, threadId), eq(readCursors.reader, reader)))
          .get();
        if (cur && cur.seq >= target) return cur.seq;
        this.db
          .insert(readCursors)
          .values({ threadId, reader, seq: target, updatedAt: Date.now() })
          .onConflictDoUpdate({
            target: [readCursors.threadId, readCursors.reader],
            set: { seq: target, updatedAt: Date.now() },
          })
          .run();
        this.writeOutbox(appId, 'message.read', { threadId, reader, seq: target });
        return target;
      })
      .immediate();
  }

  /** Must be called inside a transaction (the point of the outbox). */
  writeOutbox(appId: string, type: string, payload: unknown): void {
    writeOutboxRow(this.db, appId, type, payload);
  }

  async close(): Promise<void> {
    if (this.sqlite.open) this.contactStore.writes.flush(); // contact writes still queued
    await this.checkpointer?.stop();
    // The last connection to close checkpoints what is left and removes the WAL.
    if (this.sqlite.open) this.sqlite.close();
  }
}

export type { Message };
