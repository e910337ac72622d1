/**
 * Compact encoding of append batches between the main thread and the append worker. Inputs go
 * as one JSON string (cheaper to copy than a structured clone of many small objects); results
 * come back as `[id, seq]` for new messages, since the main thread already has everything else.
 */
import type { Message } from '@causette/shared';
import type { AppendInput, AppendResult } from '../store.js';

/**
 * 0 = stored now [0, id, seq] (plus 1 when it reopened its thread); 1 = duplicate
 * [1, original]; 2 = thread not found [2].
 */
export type WireResult = [0, string, number] | [0, string, number, 1] | [1, Message] | [2];

export function encodeResults(results: AppendResult[]): WireResult[] {
  return results.map((r): WireResult => {
    if (!r.ok) return [2];
    if (r.duplicate) return [1, r.message];
    return r.reopened ? [0, r.message.id, r.message.seq, 1] : [0, r.message.id, r.message.seq];
  });
}

export function decodeResults(inputs: AppendInput[], wire: WireResult[]): AppendResult[] {
  return wire.map((w, i): AppendResult => {
    if (w[0] === 2) return { ok: false, code: 'not_found', message: 'thread not found' };
    if (w[0] === 1) return { ok: true, message: w[1], duplicate: true };
    const m = inputs[i]!;
    const message: Message = {
      id: w[1],
      threadId: m.threadId,
      seq: w[2],
      clientId: m.clientId,
      author: m.author,
      text: m.text,
      ts: m.ts,
    };
    if (m.metadata !== undefined) message.metadata = m.metadata;
    return w.length === 4
      ? { ok: true, message, duplicate: false, reopened: true }
      : { ok: true, message, duplicate: false };
  });
}
