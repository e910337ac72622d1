/**
 * The snippet's script (dist/loader.js, budget 1.5 KB gzip). It defines the one global,
 * `Causette(command, ...args)`, queues calls until the widget is there, draws the launcher
 * at once in a shadow root and loads dist/widget.js when the browser is idle or on the
 * first click, whichever comes first.
 *
 * Config comes from the script tag (`data-app-id`, `data-url`, `data-locale`, `data-theme`,
 * `data-position`) and/or `Causette('init', { appId, url, ... })`.
 */
import { applyHostVars } from '../host.js';
import type { WidgetController, WidgetOptions } from '../options.js';
import { chatIcon } from '../styles/icons.js';
import { launcherCss } from '../styles/launcher.js';

type Mount = (el: HTMLElement, o: WidgetOptions) => WidgetController;
type Call = ArrayLike<unknown>;
type Opts = { [K in keyof WidgetOptions]?: WidgetOptions[K] | undefined };
interface Stub {
  (cmd: string, ...args: unknown[]): unknown;
  q?: Call[];
  /** Set on the real command function, so a second copy of the loader leaves it alone. */
  l?: 1;
}

const w = window as unknown as { Causette?: Stub };
const d = document;
const me = d.currentScript as HTMLScriptElement | null;
const src = me?.src || '';
const data: Opts = { ...me?.dataset };
const queue: Call[] = [...(w.Causette?.q ?? [])];
// data-app-id, data-url, data-locale, data-theme, data-position map to the same options.
let opts: Opts = { url: src && new URL(src).origin, ...data };
let ctl: WidgetController | undefined;
let host: HTMLElement | undefined;
let loading = false;

function load(): void {
  if (loading) return;
  loading = true;
  const s = d.createElement('script');
  s.src = new URL('widget.js', src || location.href).href;
  s.async = true;
  if (me?.nonce) s.nonce = me.nonce;
  d.head.appendChild(s);
}

function run(c: Call): unknown {
  const [cmd, ...args] = Array.from(c) as [string, ...unknown[]];
  const f = ctl?.[cmd as keyof WidgetController];
  return typeof f === 'function' ? (f as (...a: unknown[]) => unknown)(...args) : undefined;
}

function draw(): void {
  if (host || !opts.appId) return;
  if (!d.body) {
    d.addEventListener('DOMContentLoaded', draw);
    return;
  }
  host = d.createElement('div');
  host.setAttribute('data-causette', '');
  applyHostVars(host, opts as WidgetOptions);
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>${launcherCss}</style><div class="${opts.position === 'left' ? 'left' : ''}"><button type="button" class="l" aria-label="Open chat" aria-haspopup="dialog" aria-expanded="false"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="${chatIcon}"/></svg></button></div>`;
  root.querySelector('button')!.onclick = () => {
    queue.push(['open']);
    load();
  };
  d.body.appendChild(host);
  if ('requestIdleCallback' in window) requestIdleCallback(load, { timeout: 3000 });
  else setTimeout(load, 1500);
}

function Causette(cmd: string, ...args: unknown[]): unknown {
  if (cmd === '_mount') {
    if (host && !ctl) {
      ctl = (args[0] as Mount)(host, opts as WidgetOptions);
      for (const c of queue.splice(0)) run(c);
    }
  } else if (cmd === 'init') {
    opts = { ...opts, ...(args[0] as Opts) };
    draw();
  } else if (ctl) {
    return run([cmd, ...args]);
  } else {
    queue.push([cmd, ...args]);
    if (cmd === 'open' || cmd === 'toggle') load();
  }
  return undefined;
}

if (!w.Causette?.l) {
  (Causette as Stub).l = 1;
  w.Causette = Causette as Stub;
  // `init` calls made before the loader ran set the options, in order, before anything else.
  for (let i = 0; i < queue.length;) {
    const c = queue[i]!;
    if (c[0] === 'init') {
      opts = { ...opts, ...(c[1] as Opts) };
      queue.splice(i, 1);
    } else i++;
  }
  draw();
}
