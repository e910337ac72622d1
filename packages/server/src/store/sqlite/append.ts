/**
 * The hot path: append a batch of messages in ONE transaction (group commit) with prepared
 * statements, on the main thread (a worker thread was measured slower here: every hand-over
 * wakes another core). Seq is assigned inside the transaction; (thread, client_id) is UNIQUE, so a
 * resend returns the stored original instead of inserting a duplicate.
 */
import type Database from 'better-sqlite3';
import type { Message } from '@causette/shared';
import { fastId } from './fast-id.js';
import type { AppendInput, AppendResult } from '../store.js';
import { fromRaw, type RawRow } from './rows.js';
import type { SeqIndex } from './seq-index.js';

export interface AppendStatements {
  run(inputs: AppendInput[]): AppendResult[];
  /** The thread row changed elsewhere (status): read it again on its next message. */
  forget(threadId: string): void;
}

/** Threads whose row the appender remembers between batches (the busiest, roughly). */
const KNOWN_THREADS = 10_000;

interface KnownThread {
  appId: string;
  lastSeq: number;
  status: string;
}

export function prepareAppend(sqlite: Database.Database, seqIndex: SeqIndex): AppendStatements {
  const getThread = sqlite.prepare<[string, string], { last_seq: number; status: string }>(
    'SELECT last_seq, status FROM threads WHERE id = ? AND app_id = ?',
  );
  const findByClient = sqlite.prepare<[string, string], RawRow>(
    'SELECT * FROM messages WHERE thread_id = ? AND client_id = ?',
  );
  // The UNIQUE (client_id, thread_id) check is the duplicate test: no lookup before each insert.
  const insert = sqlite.prepare(
    `INSERT INTO messages (id, thread_id, seq, client_id, author_kind, author_id, author_name,
       author_avatar, text, metadata, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)
       ON CONFLICT (client_id, thread_id) DO NOTHING`,
  );
  const bump = sqlite.prepare(
    "UPDATE threads SET last_seq = ?, updated_at = ?, status = CASE WHEN ? = 'visitor' THEN 'open' ELSE status END WHERE id = ?",
  );
  const event = sqlite.prepare(
    'INSERT INTO outbox (id, app_id, type, payload, created_at) VALUES (?,?,?,?,?)',
  );

  // Rare path: a visitor message reopening a closed/snoozed thread emits thread.updated.
  const threadFacts = sqlite.prepare<
    [string],
    { contact_id: string; assignee: string | null; tags: string }
  >('SELECT contact_id, assignee, tags FROM threads WHERE id = ?');
  const reopened = (appId: string, threadId: string, from: string, seq: number, ts: number) => {
    const f = threadFacts.get(threadId);
    if (!f) return;
    const thread = {
      id: threadId,
      contactId: f.contact_id,
      status: 'open',
      assignee: f.assignee,
      tags: JSON.parse(f.tags) as unknown,
      lastSeq: seq,
      updatedAt: new Date(ts).toISOString(),
    };
    const payload = { thread, changes: { status: { from, to: 'open' } } };
    event.run(fastId(ts), appId, 'thread.updated', JSON.stringify(payload), ts);
  };

  // This connection is the only writer of last_seq, and status changes elsewhere call forget():
  // a busy thread's row is read once, not at every batch.
  const known = new Map<string, KnownThread>();
  const lookup = (threadId: string, appId: string): KnownThread | null => {
    const k = known.get(threadId);
    if (k) return k.appId === appId ? k : null;
    const t = getThread.get(threadId, appId);
    if (!t) return null;
    if (known.size >= KNOWN_THREADS) known.delete(known.keys().next().value!);
    const fresh = { appId, lastSeq: t.last_seq, status: t.status };
    known.set(threadId, fresh);
    return fresh;
  };

  const tx = sqlite.transaction((inputs: AppendInput[]): AppendResult[] => {
    /** Status and app of each thread before this batch (to notice a reopen). */
    const before = new Map<string, { status: string; appId: string }>();
    const lastSeq = new Map<string, number>();
    // One UPDATE per thread per batch, not per message: fewer pages written per commit.
    const bumps = new Map<string, { seq: number; ts: number; visitor: boolean }>();
    const out: AppendResult[] = [];
    let lastRowid = 0;
    for (const m of inputs) {
      let seq = lastSeq.get(m.threadId);
      if (seq === undefined) {
        const t = lookup(m.threadId, m.appId);
        if (!t) {
          out.push({ ok: false, code: 'not_found', message: 'thread not found' });
          continue;
        }
        seq = t.lastSeq;
        before.set(m.threadId, { status: t.status, appId: m.appId });
      }
      const id = fastId(m.ts);
      const metadata = m.metadata === undefined ? null : JSON.stringify(m.metadata);
      const { changes, lastInsertRowid } = insert.run(
        id,
        m.threadId,
        seq + 1,
        m.clientId,
        m.author.kind,
        m.author.id ?? null,
        m.author.name ?? null,
        m.author.avatarUrl ?? null,
        m.text,
        metadata,
        m.ts,
      );
      if (changes === 0) {
        lastSeq.set(m.threadId, seq);
        // A resend: answer with the stored original (same id and seq), insert nothing.
        const dup = findByClient.get(m.threadId, m.clientId!);
        if (!dup) throw new Error('append: conflict without a stored original');
        out.push({ ok: true, message: fromRaw(dup), duplicate: true });
        continue;
      }
      seq += 1;
      lastSeq.set(m.threadId, seq);
      lastRowid = Number(lastInsertRowid);
      bumps.set(m.threadId, {
        seq,
        ts: m.ts,
        visitor: bumps.get(m.threadId)?.visitor || m.author.kind === 'visitor',
      });
      const message: Message = {
        id,
        threadId: m.threadId,
        seq,
        clientId: m.clientId,
        author: m.author,
        text: m.text,
        ts: m.ts,
      };
      if (m.metadata !== undefined) message.metadata = m.metadata;
      // No outbox row here: `message.created` is derived from this row by the webhook fan-out
      // (message-events.ts), which keeps the hot path to the message and its indexes.
      out.push({ ok: true, message, duplicate: false });
    }
    if (lastRowid > 0) seqIndex.afterAppend(lastRowid);
    for (const [threadId, b] of bumps) {
      bump.run(b.seq, b.ts, b.visitor ? 'visitor' : 'other', threadId);
      const k = known.get(threadId);
      if (k) {
        k.lastSeq = b.seq;
        if (b.visitor) k.status = 'open';
      }
      const was = before.get(threadId);
      if (b.visitor && was && was.status !== 'open') {
        reopened(was.appId, threadId, was.status, b.seq, b.ts);
        const last = out.findLast((r) => r.ok && !r.duplicate && r.message.threadId === threadId);
        if (last?.ok) last.reopened = true;
      }
    }
    return out;
  });

  // IMMEDIATE: take the write lock up front, so a concurrent writer makes us wait
  // (busy_timeout) instead of failing with SQLITE_BUSY on the read-to-write upgrade.
  return {
    run(inputs) {
      try {
        return tx.immediate(inputs);
      } catch (e) {
        known.clear(); // rolled back: what was remembered during the batch may not be stored
        throw e;
      }
    },
    forget: (threadId) => known.delete(threadId),
  };
}
