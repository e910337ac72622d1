import { describe, expect, it } from 'vitest';
import { fastId } from './fast-id.js';

describe('fastId', () => {
  it('makes RFC 9562 UUIDv7s that sort by time', () => {
    const a = fastId(1_000);
    const b = fastId(2_000);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(fastId(0x0123456789ab).slice(0, 13)).toBe('01234567-89ab');
  });

  it('does not repeat across pool refills', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => fastId(1)));
    expect(ids.size).toBe(20_000);
  });
});
