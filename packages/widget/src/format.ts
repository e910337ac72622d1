/** Date and time helpers for day separators and bubble timestamps (Intl, no library). */
import type { Strings } from './i18n/index.js';

const dayKey = (ts: number): string => new Date(ts).toDateString();

/** "Today", "Yesterday" or a localised date for the separator above a day's messages. */
export function dayLabel(ts: number, locale: string, s: Strings, now = Date.now()): string {
  if (dayKey(ts) === dayKey(now)) return s.today;
  if (dayKey(ts) === dayKey(now - 86_400_000)) return s.yesterday;
  return new Date(ts).toLocaleDateString(locale, { dateStyle: 'full' });
}

/** Hours and minutes in the visitor's locale. */
export const timeLabel = (ts: number, locale: string): string =>
  new Date(ts).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });

/** True when `b` falls on another calendar day than `a` (a separator goes between them). */
export const newDay = (a: number | undefined, b: number): boolean =>
  a === undefined || dayKey(a) !== dayKey(b);
