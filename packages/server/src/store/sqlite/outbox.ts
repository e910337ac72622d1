/** Writes one outbox row; call it inside the transaction of the change it reports. */
import { newId } from '@causette/shared';
import type { Db } from './open.js';
import { outbox } from './schema.js';

export function writeOutboxRow(db: Db, appId: string, type: string, payload: unknown): string {
  const now = Date.now();
  const id = newId(now);
  db.insert(outbox)
    .values({ id, appId, type, payload: JSON.stringify(payload), createdAt: now })
    .run();
  return id;
}
