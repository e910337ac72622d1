/**
 * The persistent outbox: this client's unsent (and failed) messages in send order. Each entry is
 * written to storage before it goes on the wire, so a reload or a crash loses none; the server's
 * idempotency on `clientId` makes every resend safe.
 */
import { MAX_FRAME_BYTES, NON_RETRYABLE_CODES, type ClientFrame } from '@causette/shared';
import type { KeyValueStorage } from './storage.js';
import type { LocalMessage } from './types.js';

/** An outbox entry: a local message with its client id. */
export type Outgoing = LocalMessage & { clientId: string };

export interface OutboxOptions {
  storage: KeyValueStorage;
  key: string;
  /** Put a frame on the wire; false when not connected. */
  send(frame: ClientFrame): boolean;
  /** An entry changed status (sent entries leave the outbox). */
  onStatus(m: Outgoing): void;
  onError(code: string, message: string): void;
  /** Run `fn` after `ms` (injected timers). */
  later(fn: () => void, ms: number): void;
}

export type Outbox = ReturnType<typeof createOutbox>;

/** Sends on the wire without an answer yet: keeps a big flush under the server's rate limit. */
const WINDOW = 10;

const encoder = new TextEncoder();

export function createOutbox({ storage, key, send, onStatus, onError, later }: OutboxOptions) {
  const entries = new Map<string, Outgoing>();
  const saved = new Set<string>(); // written to storage: may go on the wire
  const inflight = new Set<string>(); // sent on the current socket
  let chain = Promise.resolve();

  const read = async (): Promise<Outgoing[]> => {
    try {
      return [...(JSON.parse((await storage.get(key)) ?? '[]') as Outgoing[])];
    } catch {
      return []; // unreadable outbox: nothing to resend
    }
  };

  /**
   * Write the outbox (serialised); entries in a completed write may then be sent. Entries
   * another tab (same storage) wrote and this one never had are kept, not overwritten.
   */
  const persist = () => {
    const snapshot = [...entries.values()];
    return (chain = chain
      .then(read)
      .then((stored) =>
        storage.set(
          key,
          JSON.stringify([...stored.filter((m) => !saved.has(m.clientId)), ...snapshot]),
        ),
      )
      .catch((e: unknown) => onError('storage_failed', String(e)))
      .then(() => {
        for (const m of snapshot) saved.add(m.clientId);
        flush();
      }));
  };

  /** Send every saved pending entry not already on the wire, in outbox order. */
  function flush() {
    for (const m of entries.values()) {
      const { clientId, threadId, text, metadata } = m;
      if (m.status !== 'pending' || !saved.has(clientId) || inflight.has(clientId)) continue;
      if (inflight.size >= WINDOW) return; // the next answer flushes again
      const frame: ClientFrame = {
        type: 'send',
        threadId,
        clientId,
        text,
        ...(metadata && { metadata }),
      };
      // Over the server's frame limit the socket is closed (1009) and the entry would go again
      // at every reconnect, holding up everything behind it: it fails here, never sent.
      if (encoder.encode(JSON.stringify(frame)).length > MAX_FRAME_BYTES) {
        fail(m, 'too_large', 'message too large');
        continue;
      }
      if (!send(frame)) return;
      inflight.add(clientId);
    }
  }

  /** Replace an entry (dropping it once sent), persist, and tell the UI. */
  const update = (m: Outgoing) => {
    inflight.delete(m.clientId);
    if (m.status === 'sent') entries.delete(m.clientId);
    else entries.set(m.clientId, m);
    void persist();
    onStatus(m);
  };

  const fail = (m: Outgoing, code: string, message: string) =>
    update({ ...m, status: 'failed', error: { code, message } });

  /**
   * Read what an earlier page load left in storage, ahead of any entry added meanwhile.
   * (Each tab flushes its own entries; another tab's leftovers go with the next page load.)
   */
  async function load() {
    const stored = await read();
    const mine = [...entries.values()];
    entries.clear();
    for (const m of stored) saved.add(m.clientId);
    // Stored order first; our copy wins for an entry in both (it has the latest status).
    for (const m of [...stored, ...mine]) entries.set(m.clientId, m);
    flush(); // when already connected
  }
  // Nothing is written before the stored outbox is read: it would be overwritten.
  const loaded = load();

  return {
    entries,
    flush,
    /** Queue a new message: visible at once, persisted, then flushed. */
    add(m: Outgoing) {
      entries.set(m.clientId, m);
      return loaded.then(persist);
    },
    /** Our message is stored (ack or broadcast): false if it was not in the outbox. */
    confirm(m: LocalMessage) {
      const ok = entries.has(m.clientId!);
      if (ok) update(m as Outgoing);
      return ok;
    },
    /**
     * The server refused a send (`m`), or a frame it cannot name (`rate_limited` has no ref):
     * `failed` when the code is final; otherwise everything unanswered goes again in a second.
     */
    refused(m: Outgoing | undefined, code: string, message: string) {
      if (m && NON_RETRYABLE_CODES.has(code)) {
        fail(m, code, message);
      } else {
        inflight.clear();
        later(flush, 1000);
      }
    },
    retry(clientId: string) {
      const m = entries.get(clientId);
      if (m?.status !== 'failed') return;
      const { error: _e, ...rest } = m;
      update({ ...rest, status: 'pending' });
    },
    /** The socket is gone: everything unanswered must be sent again. */
    lost: () => inflight.clear(),
    /** Forget everything, in memory and in storage (logout). */
    clear: () =>
      (chain = chain
        .then(() => loaded)
        .then(() => {
          entries.clear();
          return storage.set(key, '[]');
        })),
  };
}
