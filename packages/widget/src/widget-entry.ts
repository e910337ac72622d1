/**
 * Entry of the lazy bundle (dist/widget.js), a classic script so it loads cross-origin
 * without CORS: it hands `mount` to the loader through the one global, `Causette`.
 */
import { localeArrived } from './i18n/load-script.js';
import { mount } from './mount.js';
import type { WidgetOptions } from './options.js';

type Command = (cmd: string, arg: unknown) => void;
(window as unknown as { Causette?: Command }).Causette?.(
  '_mount',
  // `_locale` receives the tables of dist/locales/*.js through the loader.
  (el: HTMLElement, o: WidgetOptions) => Object.assign(mount(el, o), { _locale: localeArrived }),
);
