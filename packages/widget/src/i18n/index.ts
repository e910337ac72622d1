/** Locale tables, right-to-left detection and `{placeholder}` interpolation. */
import { en, type Strings } from './en.js';

export type { Strings };
export type StringKey = keyof Strings;

/**
 * Locales loaded so far. English is always there; others arrive through `loadLocale`
 * (./load.ts), and a brand can override any string with `mount({ strings })`.
 */
export const locales: Record<string, Strings> = { en };

/** The language part of a locale tag, lower-cased: "fr-CA" -> "fr". */
export const lang = (locale: string): string => locale.split('-')[0]!.toLowerCase();

const RTL = /^(ar|he|fa|ur|ps|yi|dv|ku|sd|ug)\b/i;

/** True for locales written right to left. */
export const isRtl = (locale: string): boolean => RTL.test(locale);

/** The best table for `locale` ("fr-CA" falls back to "fr", unknown ones to English). */
export function pickStrings(locale: string, extra?: Partial<Strings>): Strings {
  const base = locales[locale] ?? locales[lang(locale)] ?? en;
  return extra ? { ...base, ...extra } : base;
}

/** Replaces `{name}` placeholders; values are plain text, never markup. */
export function fmt(s: string, vars: Record<string, string | number>): string {
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}
