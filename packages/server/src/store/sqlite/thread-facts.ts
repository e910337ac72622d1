/** What both the visitor's and the back office's view of a thread add to its row. */
import { and, eq } from 'drizzle-orm';
import type { Message } from '@causette/shared';
import type { Db } from './open.js';
import { readCursors, threads } from './schema.js';
import { fromRaw } from './rows.js';
import type { SeqIndex } from './seq-index.js';

export interface ThreadFacts {
  visitorReadSeq: number;
  agentReadSeq: number;
  lastMessage: Message | null;
}

/** A thread's row, if it belongs to the app. */
export function threadRow(db: Db, appId: string, threadId: string) {
  return db
    .select()
    .from(threads)
    .where(and(eq(threads.appId, appId), eq(threads.id, threadId)))
    .get();
}

/** Read cursors and last message of one thread. */
export function threadFacts(db: Db, seqIndex: SeqIndex, threadId: string): ThreadFacts {
  const cursors = db.select().from(readCursors).where(eq(readCursors.threadId, threadId)).all();
  const [last] = seqIndex.page(threadId, { limit: 1, order: 'desc' });
  return {
    visitorReadSeq: cursors.find((c) => c.reader === 'visitor')?.seq ?? 0,
    agentReadSeq: cursors.find((c) => c.reader === 'agent')?.seq ?? 0,
    lastMessage: last ? fromRaw(last) : null,
  };
}
