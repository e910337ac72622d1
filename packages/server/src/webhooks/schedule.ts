/**
 * When to try again: the Standard Webhooks retry schedule (immediately, 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h, 10 h: eight attempts over about 27 hours) with jitter, and `Retry-After`.
 */

/** Delay before attempt n+1 (index 0 is the first attempt). After the last one: dead letter. */
export const STANDARD_SCHEDULE_MS: readonly number[] = [
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3600_000,
  5 * 3600_000,
  10 * 3600_000,
  10 * 3600_000,
];

/**
 * Delay before the attempt that follows `attemptsDone` attempts, or null when none is left.
 * `jitter` spreads it by ±fraction so that receivers coming back are not hit all at once.
 */
export function retryDelay(
  schedule: readonly number[],
  attemptsDone: number,
  jitter: number,
  random: () => number,
): number | null {
  const base = schedule[attemptsDone];
  if (base === undefined) return null;
  return Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
}

/** `Retry-After` as ms from now: delta-seconds or an HTTP date; null when absent or invalid. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}
