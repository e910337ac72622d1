/**
 * Reads that must agree with each other: `fn` runs in one read transaction (a deferred BEGIN
 * takes its snapshot at the first statement), so a commit by another connection in the middle
 * of it is not seen by half of its statements. Inside a transaction already (a thread view
 * reading its last message), `fn` just runs: it sees that transaction's snapshot, and a
 * savepoint per nested read would be work for nothing.
 */
import type Database from 'better-sqlite3';

export function readSnapshot(sqlite: Database.Database): <R>(fn: () => R) => R {
  const tx = sqlite.transaction((fn: () => unknown) => fn());
  return <R>(fn: () => R): R => (sqlite.inTransaction ? fn() : (tx.deferred(fn) as R));
}
