/** Keyboard focus helpers: the open panel traps Tab; focus lookups see into the shadow root. */

// The panel has no disabled or hidden controls, so this short list is the full set.
const FOCUSABLE = 'a[href],button,input,textarea,[tabindex="0"]';

/** Keeps Tab and Shift+Tab cycling inside `panel`; call from its keydown handler. */
export function trapTab(e: KeyboardEvent, panel: HTMLElement): void {
  if (e.key !== 'Tab') return;
  const items = panel.querySelectorAll<HTMLElement>(FOCUSABLE);
  const first = items[0]!;
  const last = items[items.length - 1]!;
  // document.activeElement is the shadow host; the root knows the focused element.
  const active = (panel.getRootNode() as ShadowRoot).activeElement;
  if (e.shiftKey ? active === first : active === last) {
    e.preventDefault();
    (e.shiftKey ? last : first).focus();
  }
}

/** Focus the first text field in `panel`, else its first control. */
export function focusFirst(panel: HTMLElement | null): void {
  (
    panel?.querySelector<HTMLElement>('textarea,input') ??
    panel?.querySelector<HTMLElement>(FOCUSABLE)
  )?.focus();
}
