/** Resume (Causette only; the relays keep nothing): reconnect and receive 1,000 missed messages. */
import { endpoint, loadgen, ready } from './common.js';

export interface ResumeRow {
  missed: number;
  reps: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

export async function resume(missed: number, reps: number): Promise<ResumeRow> {
  const server = await ready('causette');
  const gen = loadgen({ mode: 'resume', ...endpoint(server), missed, reps, payloadBytes: 100 });
  try {
    const { result } = await gen.line<{ result: Omit<ResumeRow, 'missed' | 'reps'> }>(
      (o) => 'result' in o,
    );
    return { missed, reps, ...result };
  } finally {
    await gen.stop();
    await server.stop();
  }
}
