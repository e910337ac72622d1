import { describe, expect, it } from 'vitest';
import { en } from './i18n/en.js';
import { dayLabel, newDay } from './format.js';

describe('day separators', () => {
  const now = new Date(2026, 10, 23, 15, 0).getTime();
  it('labels today and yesterday, and dates before that', () => {
    expect(dayLabel(now - 3600_000, 'en', en, now)).toBe('Today');
    expect(dayLabel(now - 86_400_000, 'en', en, now)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 2, 9).getTime(), 'en', en, now)).toMatch(/November/);
  });

  it('puts a separator before the first message and between calendar days', () => {
    expect(newDay(undefined, now)).toBe(true);
    expect(newDay(now, now + 60_000)).toBe(false);
    expect(newDay(new Date(2026, 10, 22, 23, 59).getTime(), now)).toBe(true);
  });
});
