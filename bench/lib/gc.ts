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

export async function collectGarbage(child: Child): Promise<void> {
  const ws = await openInspector(child);
  const call = (id: number, method: string) =>
    new Promise<void>((resolve) => {
      ws.on('message', function onMsg(d) {
        if ((JSON.parse(d.toString()) as { id?: number }).id === id) {
          ws.off('message', onMsg);
          resolve();
        }
      });
      ws.send(JSON.stringify({ id, method }));
    });
  // Twice: the first pass may leave weakly held and finalizable objects for the second.
  await call(1, 'HeapProfiler.collectGarbage');
  await call(2, 'HeapProfiler.collectGarbage');
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
  const value = await new Promise<string>((resolve) => {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { id?: number; result?: { result: { value: string } } };
      if (m.id === 1) resolve(m.result!.result.value);
    });
    ws.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression } }));
  });
  ws.close();
  return JSON.parse(value) as Record<string, number>;
}
