/** Options accepted by `mount()` and by the loader's `Causette('init', ...)`. */
import type { ChatClient, LocalMessage } from './client.js';
import type { Strings } from './i18n/index.js';

export interface WidgetOptions {
  /** Public app id (from the server's start-up output). */
  appId: string;
  /** HTTP base URL of the Causette server, e.g. "https://chat.example.com". */
  url: string;
  /** BCP 47 locale; defaults to the page's `<html lang>` then the browser's language. */
  locale?: string;
  /** Override or add strings for the current locale. */
  strings?: Partial<Strings>;
  /** Colour scheme; "auto" follows the visitor's system setting. Default "auto". */
  theme?: 'light' | 'dark' | 'auto';
  /** Side of the screen for the launcher and panel. Default "right". */
  position?: 'right' | 'left';
  /** Stacking order of the launcher and panel. Default 2147483647. */
  zIndex?: number;
  /** Accent colour (launcher, own bubbles, buttons) and the text drawn on it. */
  colors?: { accent?: string; accentText?: string };
  /** Also show the unread count in the page title, as "(2) Title". Default false. */
  titleBadge?: boolean;
  /** Open the panel right after mounting. */
  open?: boolean;
  /** A JWT signed by the brand's backend to start as an identified user. */
  userToken?: string;
  /** An existing client (for apps that already use @causette/sdk-web, and for tests). */
  client?: ChatClient;
}

/** Events a page can observe with `Causette('on', name, fn)` or `controller.on(name, fn)`. */
export interface WidgetEvents {
  ready: Record<string, never>;
  open: Record<string, never>;
  close: Record<string, never>;
  unread: { total: number };
  message: { threadId: string; message: LocalMessage };
}

/** What `mount()` returns; the loader forwards `Causette(command, ...)` calls to it. */
export interface WidgetController {
  open(): void;
  close(): void;
  toggle(): void;
  identify(userToken: string): Promise<void>;
  logout(): Promise<void>;
  setLocale(locale: string): void;
  on<K extends keyof WidgetEvents>(event: K, fn: (e: WidgetEvents[K]) => void): () => void;
  unmount(): void;
  readonly client: ChatClient;
}
