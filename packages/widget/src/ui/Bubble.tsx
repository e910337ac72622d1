/** One message row: avatar and name for others, the bubble, time and delivery state. */
import type { LocalMessage } from '../client.js';
import { timeLabel } from '../format.js';
import type { Strings } from '../i18n/index.js';
import { safeHref } from '../linkify.js';
import { text } from './Text.js';

interface Props {
  m: LocalMessage;
  s: Strings;
  locale: string;
  /** First message of a run by the same author: show avatar and name. */
  head: boolean;
  /** Show the delivery state (last own message, or one still pending/failed). */
  status: boolean;
  read: boolean;
  onRetry: (clientId: string) => void;
}

function Avatar({ m }: { m: LocalMessage }) {
  const src = m.author.avatarUrl && safeHref(m.author.avatarUrl);
  if (src && /^https?:/.test(src))
    return (
      <img
        class="a"
        src={src}
        alt=""
        // An unreachable avatar leaves the plain circle, not a broken-image icon.
        onError={(e) => e.currentTarget.removeAttribute('src')}
      />
    );
  const initial = (m.author.name ?? '?').trim().charAt(0).toUpperCase() || '?';
  return (
    <span class="a" aria-hidden="true">
      {initial}
    </span>
  );
}

export function Bubble({ m, s, locale, head, status, read, onRetry }: Props) {
  const mine = m.author.kind === 'visitor';
  const who = mine ? s.you : (m.author.name ?? s.agent);
  const failed = m.status === 'failed';
  return (
    <li class={`r ${mine ? 'me' : 'them'} ${m.status}`}>
      {!mine &&
        (head ? <Avatar m={m} /> : <span class="a" aria-hidden="true" style="visibility:hidden" />)}
      <div class="w">
        {!mine && head && <span class="n">{who}</span>}
        {mine && <span class="sr">{who}: </span>}
        <div class="u" dir="auto">
          {text(m.text)}
        </div>
        <span class="t">
          <time>{timeLabel(m.ts, locale)}</time>
          {mine && status && !failed && (
            <span> · {m.status === 'pending' ? s.sending : read ? s.read : s.sent}</span>
          )}
          {failed && (
            <span class="f">
              {' '}
              · {s.failed}{' '}
              <button type="button" class="k" onClick={() => m.clientId && onRetry(m.clientId)}>
                {s.retry}
              </button>
            </span>
          )}
        </span>
      </div>
    </li>
  );
}
