/**
 * `mount(element, options)`: renders the widget into `element`'s shadow root and returns a
 * controller. Used by the lazy bundle (the loader hands over its host element) and by apps
 * that install @causette/widget from npm.
 */
import { createClient } from '@causette/sdk-web';
import { h, render } from 'preact';
import type { ChatClient } from './client.js';
import { createEmitter } from './emitter.js';
import { applyHostVars } from './host.js';
import { fmt, isRtl, lang, locales, pickStrings } from './i18n/index.js';
import { loadLocale } from './i18n/load.js';
import { ChatModel } from './model.js';
import type { WidgetController, WidgetEvents, WidgetOptions } from './options.js';
import { launcherCss } from './styles/launcher.js';
import { panelCss } from './styles/panel.js';
import { App } from './ui/App.js';
import { focusFirst } from './ui/focus.js';

const TITLE_BADGE = /^\(\d+\+?\) /;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * Mount the chat widget.
 * @example
 * const chat = mount(document.body.appendChild(document.createElement('div')), {
 *   appId: 'app_123', url: 'https://chat.example.com',
 * });
 * chat.open();
 */
export function mount(element: HTMLElement, options: WidgetOptions): WidgetController {
  const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  // Keep focus on the launcher if the loader's static one had it.
  const loaderFocus = !!root.activeElement;
  // The loader's <style> already holds the launcher rules (the lazy bundle ships without
  // them): keep it, replace the rest.
  const loaderStyle = root.querySelector('style');
  root.replaceChildren();
  applyHostVars(element, options);
  const style = document.createElement('style');
  style.textContent = (loaderStyle?.textContent ?? launcherCss) + panelCss;
  const container = document.createElement('div');
  const live = document.createElement('div');
  live.className = 'sr';
  live.setAttribute('aria-live', 'polite');
  root.append(style, container, live);

  const events = createEmitter<WidgetEvents>();
  const client: ChatClient =
    options.client ??
    createClient({
      appId: options.appId,
      url: options.url,
      // Browsers throw "Illegal invocation" when timers are called as methods of another
      // object, which is what the SDK's default `{ setTimeout, clearTimeout }` does.
      timers: {
        setTimeout: (f: () => void, ms: number) => setTimeout(f, ms),
        clearTimeout: (id: unknown) => clearTimeout(id as number),
      },
      ...(options.userToken ? { userToken: options.userToken } : {}),
    });
  let locale = 'en';
  let s = pickStrings(locale, options.strings);

  const model = new ChatModel(
    client,
    (m) => {
      // Text content only: the live region never parses markup.
      live.textContent = fmt(s.newMessage, { name: m.author.name ?? s.agent, text: m.text });
    },
    storage(),
    options.appId,
  );

  const setOpen = (open: boolean) => {
    if (open === model.snap.open) return;
    model.setOpen(open);
    events.emit(open ? 'open' : 'close', {});
  };
  // "auto" follows the system colour scheme, live.
  const dark = window.matchMedia?.('(prefers-color-scheme: dark)');
  // Focus follows the panel: into it when it opens or changes view, back to the launcher
  // when it closes with focus inside (never steal focus from the page).
  let wasOpen = false;
  let lastView = '';
  const draw = () => {
    const snap = model.snap;
    const hadFocus = !!root.activeElement;
    render(
      h(App, {
        model,
        snap,
        s,
        locale,
        rtl: isRtl(locale),
        theme:
          options.theme === 'dark' || (options.theme !== 'light' && dark?.matches)
            ? 'dark'
            : 'light',
        left: options.position === 'left',
        setOpen,
      }),
      container,
    );
    if (snap.open && (!wasOpen || snap.view !== lastView)) focusFirst(root.querySelector('.p'));
    if (!snap.open && wasOpen && hadFocus) root.querySelector<HTMLElement>('.l')?.focus();
    wasOpen = snap.open;
    lastView = snap.view;
  };

  const baseTitle = document.title.replace(TITLE_BADGE, '');
  let unread = 0;
  const offs = [
    model.subscribe(draw),
    model.subscribe(() => {
      if (model.snap.unread === unread) return;
      unread = model.snap.unread;
      events.emit('unread', { total: unread });
      if (options.titleBadge) {
        const t = document.title.replace(TITLE_BADGE, '') || baseTitle;
        document.title = unread > 0 ? `(${unread > 99 ? '99+' : unread}) ${t}` : t;
      }
    }),
    client.on('message', (e) => events.emit('message', e)),
  ];
  dark?.addEventListener('change', draw);
  const onLine = () => model.setOnline(navigator.onLine);
  window.addEventListener('online', onLine);
  window.addEventListener('offline', onLine);
  onLine();

  // Switch language; a locale not loaded yet is fetched, then drawn (English meanwhile).
  const setLocale = (next: string) => {
    locale = next;
    s = pickStrings(locale, options.strings);
    live.lang = locale;
    draw();
    const l = lang(next);
    if (!locales[l])
      void loadLocale(l).then((table) => {
        if (!table) return;
        locales[l] = table;
        if (lang(locale) === l) setLocale(locale);
      });
  };

  model.start();
  setLocale(options.locale || document.documentElement.lang || navigator.language || 'en');
  if (loaderFocus) root.querySelector<HTMLElement>('.l')?.focus();
  if (options.open) setOpen(true);
  queueMicrotask(() => events.emit('ready', {}));

  return {
    client,
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!model.snap.open),
    identify: (token) => client.identify(token),
    logout: () => client.logout(),
    setLocale,
    on: (event, fn) => events.on(event, fn),
    unmount() {
      for (const off of offs) off();
      window.removeEventListener('online', onLine);
      window.removeEventListener('offline', onLine);
      dark?.removeEventListener('change', draw);
      model.stop();
      render(null, container);
      client.disconnect();
      events.clear();
      root.replaceChildren();
    },
  };
}
