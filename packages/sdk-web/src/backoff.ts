/** Reconnect delays: exponential backoff with full jitter and a cap (pure). */

export interface BackoffOptions {
  /** Delay bound of the first retry (ms). */
  base: number;
  /** Largest delay bound (ms). */
  cap: number;
  /** Uniform random in [0, 1); injectable for tests. */
  random: () => number;
}

/** Defaults used by the client: 0-500 ms first, doubling up to 0-30 s. */
export const DEFAULT_BACKOFF = { base: 500, cap: 30_000 } as const;

/**
 * Delay before retry number `attempt` (0-based): uniform in [0, min(cap, base * 2^attempt)).
 * Full jitter spreads a crowd of clients reconnecting after a server restart.
 * @example backoff(3, { base: 500, cap: 30_000, random: Math.random }) // 0..4000
 */
export function backoff(attempt: number, { base, cap, random }: BackoffOptions): number {
  return Math.floor(random() * Math.min(cap, base * 2 ** attempt));
}
