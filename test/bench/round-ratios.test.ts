// The bench report's round-by-round ratios: each round's Causette against the raw ws round of
// the same round, not against raw ws's best round.
import { describe, expect, it } from 'vitest';
import { roundRatios, type RoundRow } from '../../bench/report/markdown.js';

const row = (round: number, target: RoundRow['target'], msgsPerSec: number, clients = 100) => ({
  round,
  target,
  clients,
  msgsPerSec,
});

describe('roundRatios', () => {
  it('pairs Causette with the raw ws round of the same round, in round order', () => {
    const rows = [
      row(1, 'raw-ws', 28_000),
      row(1, 'causette', 14_000),
      row(0, 'raw-ws', 16_000),
      row(0, 'durable', 15_000),
      row(0, 'causette', 12_000),
    ];
    expect(roundRatios(rows)).toEqual([0.75, 0.5]);
  });

  it('reads only the asked client count and skips a round that lacks either server', () => {
    const rows = [
      row(0, 'raw-ws', 20_000),
      row(0, 'causette', 10_000),
      row(0, 'raw-ws', 10_000, 1000),
      row(0, 'causette', 9_000, 1000),
      row(1, 'raw-ws', 20_000),
      row(2, 'causette', 5_000),
    ];
    expect(roundRatios(rows)).toEqual([0.5]);
    expect(roundRatios(rows, 1000)).toEqual([0.9]);
  });
});
