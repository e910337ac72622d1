/**
 * Full garbage collection in a child started with `--inspect=127.0.0.1:0`, through the V8
 * inspector protocol (HeapProfiler.collectGarbage), so that RSS readings compare live memory
 * rather than however much garbage each server happened to leave. Works for any Node server
 * without touching its code.
 */
import WebSocket from 'ws';
import type { Child } from './proc.js';

export const INSPECT_FLAG = '--inspect=127.0.0.1:0';

/** A connection to the inspector of a child started with INSPECT_FLAG. */
export async function openInspector(child: Child): Promise<WebSocket> {
  const url = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(child.stderr())?.[0];
  if (!url)
    throw new Error(`no inspector URL in the child's stderr: ${child.stderr().slice(0, 300)}`);
  const ws = new WebSocket(url, { maxPayload: 2 ** 30 });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

/**
 * Sends one inspector command and resolves with its result; `onEvent` sees the events that
 * arrive meanwhile (a heap snapshot comes as events before its reply).
 */
export function inspectorCall<T = unknown>(
  ws: WebSocket,
  id: number,
  method: string,
  params: object = {},
  onEvent?: (method: string, params: unknown) => void,
): Promise<T> {
  return new Promise<T>((resolve) => {
    ws.on('message', function onMsg(d) {
      const m = JSON.parse(d.toString()) as {
        id?: number;
        result?: T;
        method?: string;
        params?: unknown;
      };
      if (m.method !== undefined) onEvent?.(m.method, m.params);
      if (m.id !== id) return;
      ws.off('message', onMsg);
      resolve(m.result as T);
    });
    ws.send(JSON.stringify({ id, method, params }));
  });
}

export async function collectGarbage(child: Child): Promise<void> {
  const ws = await openInspector(child);
  // Twice: the first pass may leave weakly held and finalizable objects for the second.
  await inspectorCall(ws, 1, 'HeapProfiler.collectGarbage');
  await inspectorCall(ws, 2, 'HeapProfiler.collectGarbage');
  ws.close();
}

/**
 * RSS, V8 heap used, external memory and each V8 heap space's physical size of a child started
 * with INSPECT_FLAG, in MiB (read inside the child, through the inspector).
 */
export async function heapSpaces(child: Child): Promise<Record<string, number>> {
  const ws = await openInspector(child);
  const expression = `JSON.stringify((() => {
    const mib = (b) => Math.round(b / 1048576 * 10) / 10;
    const m = process.memoryUsage();
    const out = { rss: mib(m.rss), heapUsed: mib(m.heapUsed), external: mib(m.external) };
    for (const s of process.getBuiltinModule('v8').getHeapSpaceStatistics())
      out[s.space_name] = mib(s.physical_space_size);
    return out;
  })())`;
  const r = await inspectorCall<{ result: { value: string } }>(ws, 1, 'Runtime.evaluate', {
    expression,
  });
  ws.close();
  return JSON.parse(r.result.value) as Record<string, number>;
}
