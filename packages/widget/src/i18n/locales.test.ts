import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { ar } from './ar.js';
import { fr } from './fr.js';
import { fmt, isRtl, locales, pickStrings } from './index.js';

Object.assign(locales, { fr, ar });

describe('locales', () => {
  it.each(Object.keys(locales))('%s has every English key and the same placeholders', (name) => {
    const table = locales[name]!;
    expect(Object.keys(table).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries(en)) {
      const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(holes(table[k as keyof typeof en]), `${name}.${k}`).toEqual(holes(v));
    }
  });

  it('falls back from a regional locale to its language, then to English', () => {
    expect(pickStrings('fr-CA').send).toBe('Envoyer');
    expect(pickStrings('xx').send).toBe('Send');
    expect(pickStrings('fr', { send: 'Go' }).send).toBe('Go');
  });

  it('knows which locales are written right to left', () => {
    expect(isRtl('ar')).toBe(true);
    expect(isRtl('he-IL')).toBe(true);
    expect(isRtl('fr')).toBe(false);
  });

  it('fills placeholders with plain values', () => {
    expect(fmt('{name} is typing…', { name: '<b>Ana</b>' })).toBe('<b>Ana</b> is typing…');
    expect(fmt('{missing}', {})).toBe('{missing}');
  });
});
