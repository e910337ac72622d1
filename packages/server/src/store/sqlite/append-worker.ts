/**
 * Worker thread that owns the write path of message appends. A commit with
 * `synchronous=FULL` waits for the disk (fsync); doing it here keeps the main event loop
 * parsing, routing and acking while the disk works, and the next batch gathers meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { prepareAppend } from './append.js';
import type { AppendInput } from '../store.js';
import { encodeResults } from './append-codec.js';

const db = new Database((workerData as { path: string }).path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
const append = prepareAppend(db);

parentPort!.on('message', (msg: { id: number; inputs: string } | { close: true }) => {
  if ('close' in msg) {
    db.close();
    parentPort!.postMessage({ closed: true });
    return;
  }
  try {
    const inputs = JSON.parse(msg.inputs) as AppendInput[];
    parentPort!.postMessage({ id: msg.id, results: encodeResults(append.run(inputs)) });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: (e as Error).message });
  }
});
