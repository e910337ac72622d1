/** Message text as text nodes and safe links: never innerHTML (see ../linkify.ts). */
import { linkify } from '../linkify.js';

/** The nodes for `text` (a plain function, not a component: one less vnode per bubble). */
export const text = (t: string) =>
  linkify(t).map((p, i) =>
    p.href ? (
      <a key={i} href={p.href} target="_blank" rel="noopener noreferrer">
        {p.text}
      </a>
    ) : (
      p.text
    ),
  );
