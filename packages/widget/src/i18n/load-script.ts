/**
 * Locale loader of the lazy bundle: each non-English locale is its own classic script,
 * dist/locales/<lang>.js, which hands its table back with `Causette('_locale', lang, table)`
 * (the one global; classic scripts need no CORS).
 */
import type { Strings } from './en.js';

const base = (document.currentScript as HTMLScriptElement | null)?.src || location.href;
const waiting: Record<string, (t: Strings | undefined) => void> = {};

/** Called by the controller when a locale script has run. */
export function localeArrived(lang: string, table: Strings): void {
  waiting[lang]?.(table);
}

export const loadLocale = (lang: string): Promise<Strings | undefined> =>
  new Promise((resolve) => {
    if (!/^[a-z]{2,3}$/.test(lang)) return resolve(undefined);
    waiting[lang] = resolve;
    const s = document.createElement('script');
    s.src = new URL(`locales/${lang}.js`, base).href;
    s.onerror = () => resolve(undefined);
    document.head.appendChild(s);
  });
