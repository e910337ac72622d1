import { describe, expect, it } from 'vitest';
import { backoff, DEFAULT_BACKOFF } from './backoff.js';

const at = (r: number) => () => r;

describe('backoff', () => {
  it('doubles the upper bound with each attempt until the cap', () => {
    const top = (n: number) => backoff(n, { base: 500, cap: 30_000, random: at(0.999999) });
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map(top)).toEqual([
      499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999,
    ]);
  });

  it('uses full jitter: anywhere between zero and the bound', () => {
    expect(backoff(4, { ...DEFAULT_BACKOFF, random: at(0) })).toBe(0);
    expect(backoff(4, { ...DEFAULT_BACKOFF, random: at(0.5) })).toBe(4000);
  });

  it('never overflows for huge attempt numbers', () => {
    expect(backoff(5000, { ...DEFAULT_BACKOFF, random: at(0.5) })).toBe(15_000);
  });
});
