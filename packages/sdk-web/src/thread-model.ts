/**
 * What the client holds for one thread: its info, the stored messages seen (by seq) and the last
 * contiguous seq. Pure bookkeeping; the client decides what to fetch and emit.
 */
import type { Thread } from '@causette/shared';
import type { LocalMessage, ThreadHandle } from './types.js';

/** A thread handle plus the client's private bookkeeping for it. */
export interface ThreadModel extends ThreadHandle {
  info: Thread;
  hasMoreOlder: boolean;
  /** Stored messages seen so far, by seq. */
  bySeq: Map<number, LocalMessage>;
  /** Every seq from the loaded window up to this one is held; -1 = not loaded yet. */
  cursor: number;
  /** Highest seq held (or announced by the server). */
  maxSeq: number;
  /** Lowest seq loaded: the paging cursor for older history. */
  oldest: number;
  /** A gap fetch is in flight. */
  filling?: boolean;
  /** The first page is loading (shared by concurrent `openThread` calls). */
  loading?: Promise<void> | undefined;
  /** Cached `messages` (stable between changes); cleared on any change. */
  view?: LocalMessage[] | undefined;
}

/** The bookkeeping of a thread nothing is loaded for yet. */
export const blank = () => ({
  bySeq: new Map<number, LocalMessage>(),
  cursor: -1,
  maxSeq: 0,
  oldest: 0,
  hasMoreOlder: false,
  view: undefined,
});

/** A stored message: from the server, or our outbox entry completed by its ack. */
export type Stored = Omit<LocalMessage, 'status'> & { id: string; seq: number };
type Held = LocalMessage & { id: string; seq: number };

/** A stored message as the UI sees it. */
export const toLocal = (m: Stored): Held => ({ ...m, status: 'sent' });

/**
 * Record a stored message; false when its seq is already held (replay, ack then broadcast).
 * Keeps the thread info (lastSeq, lastMessage, unread) in step.
 */
export function addMessage(t: ThreadModel, m: Held): boolean {
  const { info, bySeq } = t;
  if (bySeq.has(m.seq)) return false;
  bySeq.set(m.seq, m);
  t.view = undefined;
  if (m.seq > t.maxSeq) t.maxSeq = m.seq;
  if (m.seq > info.lastSeq) {
    info.lastSeq = m.seq;
    info.lastMessage = m;
    info.updatedAt = m.ts;
    if (m.author.kind !== 'visitor' && m.seq > info.visitorReadSeq) info.unread++;
  }
  return true;
}

/** Move the contiguous cursor forward; true when a message beyond it exists (a hole). */
export function advance(t: ThreadModel): boolean {
  if (t.cursor < 0) return false;
  while (t.bySeq.has(t.cursor + 1)) t.cursor++;
  return t.maxSeq > t.cursor;
}

/**
 * Stored messages in seq order, then this client's unsent ones (in send order). An outbox
 * entry already stored (another tab sent it; its removal from shared storage is not written
 * yet) is shown once, as stored.
 */
export const viewOf = (t: ThreadModel, unsent: Iterable<LocalMessage>): LocalMessage[] => {
  if (t.view) return t.view;
  const stored = [...t.bySeq.values()].sort((a, b) => a.seq! - b.seq!);
  const ids = new Set(stored.map((m) => m.clientId));
  return (t.view = stored.concat(
    [...unsent].filter((m) => m.threadId === t.id && !ids.has(m.clientId)),
  ));
};
