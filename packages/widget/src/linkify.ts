/**
 * Splits message text into plain-text and link parts. Only http(s) and mailto links become
 * anchors; everything else (javascript:, data:, vbscript:, ...) stays inert text. The UI
 * renders parts as text nodes and <a> elements: message content never reaches innerHTML.
 */

export type Part = { text: string; href?: string };

// URLs with a scheme, www. hosts, and bare e-mail addresses.
const LINK = /\b(?:https?:\/\/|mailto:|www\.)[^\s<>"']+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

/** A safe href for `raw`, or undefined when the scheme is not allowed. */
export function safeHref(raw: string): string | undefined {
  let candidate = raw;
  if (/^www\./i.test(raw)) candidate = `https://${raw}`;
  else if (!/^[a-z][a-z0-9+.-]*:/i.test(raw) && raw.includes('@')) candidate = `mailto:${raw}`;
  try {
    const u = new URL(candidate);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:'
      ? u.href
      : undefined;
  } catch {
    return undefined;
  }
}

/** Text and link parts of `text`, in order. */
export function linkify(text: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(LINK)) {
    let url = m[0];
    const trail = TRAILING.exec(url);
    if (trail) url = url.slice(0, -trail[0].length);
    const href = url && safeHref(url);
    if (!href) continue;
    const at = m.index;
    if (at > last) parts.push({ text: text.slice(last, at) });
    parts.push({ text: url, href });
    last = at + url.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
