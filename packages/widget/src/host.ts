/** The page-side host element: options that become CSS custom properties inherited by the shadow root. */
import type { WidgetOptions } from './options.js';

type HostOptions = Pick<WidgetOptions, 'zIndex' | 'colors'>;

/** Sets `--causette-z`, `--causette-accent` and `--causette-accent-text` on the host element. */
export function applyHostVars(el: HTMLElement, o: HostOptions): void {
  const set = (k: string, v: string | number | undefined) => {
    if (v !== undefined && v !== '') el.style.setProperty(`--causette-${k}`, String(v));
  };
  set('z', o.zIndex);
  set('accent', o.colors?.accent);
  set('accent-text', o.colors?.accentText);
}
