/** Back-office queries of the SQLite store: thread list/patch, contacts, app settings, API keys. */
import { and, asc, desc, eq, gt, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type {
  AdminStore,
  AdminThread,
  ApiKeyRecord,
  AppPatch,
  AppRecord,
  ContactFilter,
  ContactPatch,
  ContactRecord,
  ThreadFilter,
  ThreadPatch,
  ThreadRecord,
} from '../store.js';
import type { Db } from './open.js';
import { apiKeys, apps, contacts, threads } from './schema.js';
import { toApp, toContact, toThread } from './rows.js';
import { writeOutboxRow } from './outbox.js';
import { threadFacts, threadRow } from './thread-facts.js';
import type { SeqIndex } from './seq-index.js';
import type { readSnapshot } from './snapshot.js';

/** Escape LIKE wildcards so a search for `50%` finds "50%", not everything. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

const sameList = (a: string[], b: string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export class SqliteAdminStore implements AdminStore {
  constructor(
    private readonly db: Db,
    private readonly sqlite: Database.Database,
    private readonly seqIndex: SeqIndex,
    /** Runs reads in one snapshot (snapshot.ts): a thread and its facts must agree. */
    private readonly inSnapshot: ReturnType<typeof readSnapshot>,
    /** A thread's status changed here: the appender must read its row again. */
    private readonly threadChanged: (threadId: string) => void,
  ) {}

  async updateApp(appId: string, patch: AppPatch): Promise<AppRecord | null> {
    return this.sqlite
      .transaction(() => {
        const row = this.db.select().from(apps).where(eq(apps.id, appId)).get();
        if (!row) return null;
        const cur = toApp(row);
        const next = {
          name: patch.name ?? cur.name,
          settings: JSON.stringify({ ...cur.settings, ...patch.settings }),
          allowedOrigins: JSON.stringify(patch.allowedOrigins ?? cur.allowedOrigins),
        };
        this.db.update(apps).set(next).where(eq(apps.id, appId)).run();
        return toApp({ ...row, ...next });
      })
      .immediate();
  }

  async listApiKeys(appId: string): Promise<ApiKeyRecord[]> {
    return this.db
      .select({
        id: apiKeys.id,
        appId: apiKeys.appId,
        name: apiKeys.name,
        prefix: apiKeys.prefix,
        createdAt: apiKeys.createdAt,
        revokedAt: apiKeys.revokedAt,
      })
      .from(apiKeys)
      .where(eq(apiKeys.appId, appId))
      .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id))
      .all();
  }

  async revokeApiKey(appId: string, keyId: string): Promise<boolean> {
    const r = this.db
      .update(apiKeys)
      .set({ revokedAt: Date.now() })
      .where(and(eq(apiKeys.appId, appId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
      .run();
    return r.changes > 0;
  }

  async listThreads(appId: string, f: ThreadFilter): Promise<AdminThread[]> {
    const conds: (SQL | undefined)[] = [eq(threads.appId, appId)];
    if (f.status) conds.push(eq(threads.status, f.status));
    if (f.assignee === 'none') conds.push(isNull(threads.assignee));
    else if (f.assignee !== undefined) conds.push(eq(threads.assignee, f.assignee));
    if (f.tag !== undefined)
      conds.push(sql`EXISTS (SELECT 1 FROM json_each(${threads.tags}) WHERE value = ${f.tag})`);
    if (f.contactId !== undefined) conds.push(eq(threads.contactId, f.contactId));
    if (f.updatedSince !== undefined) conds.push(sql`${threads.updatedAt} >= ${f.updatedSince}`);
    const ascending = f.order === 'asc';
    if (f.after) {
      const cmp = ascending ? gt : lt;
      conds.push(
        or(
          cmp(threads.updatedAt, f.after.updatedAt),
          and(eq(threads.updatedAt, f.after.updatedAt), cmp(threads.id, f.after.id)),
        ),
      );
    }
    const dir = ascending ? asc : desc;
    return this.inSnapshot(() =>
      this.db
        .select()
        .from(threads)
        .where(and(...conds))
        .orderBy(dir(threads.updatedAt), dir(threads.id))
        .limit(f.limit)
        .all()
        .map((r) => this.admin(toThread(r))),
    );
  }

  async adminThread(appId: string, threadId: string): Promise<AdminThread | null> {
    return this.inSnapshot(() => {
      const r = threadRow(this.db, appId, threadId);
      return r ? this.admin(toThread(r)) : null;
    });
  }

  private admin(t: ThreadRecord): AdminThread {
    return { ...t, ...threadFacts(this.db, this.seqIndex, t.id) };
  }

  async updateThread(
    appId: string,
    threadId: string,
    patch: ThreadPatch,
  ): Promise<{ thread: ThreadRecord; changed: boolean } | null> {
    return this.sqlite
      .transaction(() => {
        const row = this.db
          .select()
          .from(threads)
          .where(and(eq(threads.appId, appId), eq(threads.id, threadId)))
          .get();
        if (!row) return null;
        const before = toThread(row);
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        if (patch.status !== undefined && patch.status !== before.status)
          changes.status = { from: before.status, to: patch.status };
        if (patch.assignee !== undefined && patch.assignee !== before.assignee)
          changes.assignee = { from: before.assignee, to: patch.assignee };
        const tags = patch.tags === undefined ? undefined : [...new Set(patch.tags)];
        if (tags !== undefined && !sameList(tags, before.tags))
          changes.tags = { from: before.tags, to: tags };
        if (Object.keys(changes).length === 0) return { thread: before, changed: false };
        const now = Math.max(Date.now(), before.updatedAt);
        const after: ThreadRecord = {
          ...before,
          status: patch.status ?? before.status,
          assignee: patch.assignee === undefined ? before.assignee : patch.assignee,
          tags: tags ?? before.tags,
          updatedAt: now,
        };
        this.db
          .update(threads)
          .set({
            status: after.status,
            assignee: after.assignee,
            tags: JSON.stringify(after.tags),
            updatedAt: now,
          })
          .where(eq(threads.id, threadId))
          .run();
        this.threadChanged(threadId);
        writeOutboxRow(this.db, appId, 'thread.updated', {
          thread: {
            id: after.id,
            contactId: after.contactId,
            status: after.status,
            assignee: after.assignee,
            tags: after.tags,
            lastSeq: after.lastSeq,
            updatedAt: new Date(now).toISOString(),
          },
          changes,
        });
        return { thread: after, changed: true };
      })
      .immediate();
  }

  async listContacts(appId: string, f: ContactFilter): Promise<ContactRecord[]> {
    const conds: (SQL | undefined)[] = [eq(contacts.appId, appId), isNull(contacts.mergedInto)];
    if (f.q !== undefined) {
      const p = `%${likeEscape(f.q.toLowerCase())}%`;
      conds.push(
        sql`(lower(coalesce(${contacts.name}, '')) LIKE ${p} ESCAPE '\\'
          OR lower(coalesce(${contacts.email}, '')) LIKE ${p} ESCAPE '\\'
          OR lower(coalesce(${contacts.externalId}, '')) LIKE ${p} ESCAPE '\\')`,
      );
    }
    if (f.identified === true) conds.push(isNotNull(contacts.externalId));
    if (f.identified === false) conds.push(isNull(contacts.externalId));
    if (f.after) {
      conds.push(
        or(
          lt(contacts.createdAt, f.after.createdAt),
          and(eq(contacts.createdAt, f.after.createdAt), lt(contacts.id, f.after.id)),
        ),
      );
    }
    return this.db
      .select()
      .from(contacts)
      .where(and(...conds))
      .orderBy(desc(contacts.createdAt), desc(contacts.id))
      .limit(f.limit)
      .all()
      .map(toContact);
  }

  async updateContact(
    appId: string,
    contactId: string,
    patch: ContactPatch,
  ): Promise<ContactRecord | null> {
    return this.sqlite
      .transaction(() => {
        const row = this.db
          .select()
          .from(contacts)
          .where(
            and(eq(contacts.appId, appId), eq(contacts.id, contactId), isNull(contacts.mergedInto)),
          )
          .get();
        if (!row) return null;
        const cur = toContact(row);
        const attributes: Record<string, unknown> = { ...cur.attributes };
        for (const [k, val] of Object.entries(patch.attributes ?? {})) {
          if (val === null) delete attributes[k];
          else attributes[k] = val;
        }
        const next = {
          name: patch.name === undefined ? cur.name : patch.name,
          email: patch.email === undefined ? cur.email : patch.email,
          attributes: JSON.stringify(attributes),
          updatedAt: Date.now(),
        };
        this.db.update(contacts).set(next).where(eq(contacts.id, contactId)).run();
        const updated = toContact({ ...row, ...next });
        writeOutboxRow(this.db, appId, 'contact.updated', {
          contact: {
            id: updated.id,
            externalId: updated.externalId,
            name: updated.name,
            email: updated.email,
            attributes: updated.attributes,
          },
        });
        return updated;
      })
      .immediate();
  }
}
