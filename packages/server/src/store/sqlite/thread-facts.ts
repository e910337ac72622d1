/** What both the visitor's and the back office's view of a thread add to its row. */
import { desc, eq } from 'drizzle-orm';
import type { Message } from '@causette/shared';
import type { Db } from './open.js';
import { messages, readCursors } from './schema.js';
import { toMessage } from './rows.js';

export interface ThreadFacts {
  visitorReadSeq: number;
  agentReadSeq: number;
  lastMessage: Message | null;
}

/** Read cursors and last message of one thread. */
export function threadFacts(db: Db, threadId: string): ThreadFacts {
  const cursors = db.select().from(readCursors).where(eq(readCursors.threadId, threadId)).all();
  const last = db
    .select()
    .from(messages)
    .where(eq(messages.threadId, threadId))
    .orderBy(desc(messages.seq))
    .limit(1)
    .get();
  return {
    visitorReadSeq: cursors.find((c) => c.reader === 'visitor')?.seq ?? 0,
    agentReadSeq: cursors.find((c) => c.reader === 'agent')?.seq ?? 0,
    lastMessage: last ? toMessage(last) : null,
  };
}
