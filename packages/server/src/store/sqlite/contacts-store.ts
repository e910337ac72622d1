/** Contacts: anonymous visitors, identified users (JWT `sub`), and merging the former into the latter. */
import { and, eq, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import { newId } from '@causette/shared';
import type { ContactRecord, MergeResult } from '../store.js';
import type { Db } from './open.js';
import { contacts, threads } from './schema.js';
import { toContact } from './rows.js';
import { writeOutboxRow } from './outbox.js';
import { GroupWrite } from './group-write.js';

function newContactRow(
  appId: string,
  fields: { externalId?: string; name?: string; email?: string },
  now: number,
): typeof contacts.$inferSelect {
  return {
    id: newId(now),
    appId,
    externalId: fields.externalId ?? null,
    name: fields.name ?? null,
    email: fields.email ?? null,
    attributes: '{}',
    mergedInto: null,
    createdAt: now,
    updatedAt: now,
  };
}

type ContactRow = typeof contacts.$inferSelect;

function prepareById(db: Db) {
  return db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.appId, sql.placeholder('appId')),
        eq(contacts.id, sql.placeholder('contactId')),
      ),
    )
    .prepare();
}

export class SqliteContactStore {
  /**
   * Every contact write comes from a session request (a new visitor, a sign-in, a merge): they
   * are group-committed, one transaction per event-loop turn (group-write.ts).
   */
  readonly writes: GroupWrite;
  private readonly insert: Database.Statement<ContactRow>;
  /** Read at every session refresh and socket upgrade: prepared once. */
  private readonly byId: ReturnType<typeof prepareById>;

  constructor(
    private readonly db: Db,
    sqlite: Database.Database,
  ) {
    this.insert = sqlite.prepare<ContactRow>(
      `INSERT INTO contacts (id, app_id, external_id, name, email, attributes, merged_into,
         created_at, updated_at) VALUES (@id, @appId, @externalId, @name, @email, @attributes,
         @mergedInto, @createdAt, @updatedAt)`,
    );
    this.writes = new GroupWrite(sqlite);
    this.byId = prepareById(db);
  }

  async createContact(
    appId: string,
    fields: { externalId?: string; name?: string; email?: string } = {},
  ): Promise<ContactRecord> {
    const row = newContactRow(appId, fields, Date.now());
    await this.writes.add(() => {
      this.insert.run(row);
    });
    return toContact(row);
  }

  async getContact(appId: string, contactId: string): Promise<ContactRecord | null> {
    const r = this.byId.get({ appId, contactId });
    return r ? toContact(r) : null;
  }

  async upsertIdentifiedContact(
    appId: string,
    externalId: string,
    fields: { name?: string; email?: string },
  ): Promise<{ contact: ContactRecord; created: boolean }> {
    return this.writes.add(() => {
      const now = Date.now();
      const found = this.db
        .select()
        .from(contacts)
        .where(and(eq(contacts.appId, appId), eq(contacts.externalId, externalId)))
        .get();
      if (found) {
        const patch: { name?: string; email?: string; updatedAt: number } = { updatedAt: now };
        if (fields.name !== undefined) patch.name = fields.name;
        if (fields.email !== undefined) patch.email = fields.email;
        this.db.update(contacts).set(patch).where(eq(contacts.id, found.id)).run();
        return { contact: toContact({ ...found, ...patch }), created: false };
      }
      const row = newContactRow(appId, { ...fields, externalId }, now);
      this.db.insert(contacts).values(row).run();
      writeOutboxRow(this.db, appId, 'contact.identified', {
        contact: { id: row.id, externalId, name: row.name, email: row.email },
      });
      return { contact: toContact(row), created: true };
    });
  }

  async mergeContact(appId: string, fromId: string, intoId: string): Promise<MergeResult> {
    return this.writes.add(() => {
      const from = this.db
        .select()
        .from(contacts)
        .where(and(eq(contacts.appId, appId), eq(contacts.id, fromId)))
        .get();
      // Only anonymous, not-yet-merged contacts can be merged into an identified one.
      if (!from || from.externalId !== null || from.mergedInto !== null || fromId === intoId)
        return { merged: false, threadIds: [] };
      const now = Date.now();
      const moved = this.db
        .update(threads)
        .set({ contactId: intoId, updatedAt: now })
        .where(and(eq(threads.appId, appId), eq(threads.contactId, fromId)))
        .returning({ id: threads.id })
        .all()
        .map((r) => r.id);
      this.db
        .update(contacts)
        .set({ mergedInto: intoId, updatedAt: now })
        .where(eq(contacts.id, fromId))
        .run();
      writeOutboxRow(this.db, appId, 'contact.merged', {
        from: fromId,
        into: intoId,
        threadIds: moved,
      });
      return { merged: true, threadIds: moved };
    });
  }
}
