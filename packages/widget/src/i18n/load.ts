/**
 * Fetches a locale table on demand (npm build: bundler-split dynamic imports). The lazy
 * widget bundle swaps this module for ./load-script.ts at build time, so French and Arabic
 * do not weigh on every visitor's download.
 */
import type { Strings } from './en.js';

const tables: Record<string, () => Promise<Strings>> = {
  fr: () => import('./fr.js').then((m) => m.fr),
  ar: () => import('./ar.js').then((m) => m.ar),
};

/** The strings of `lang`, or undefined when there is no such locale. */
export const loadLocale = (lang: string): Promise<Strings | undefined> =>
  tables[lang]?.() ?? Promise.resolve(undefined);
