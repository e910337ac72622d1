/** The visitor's conversations, newest first, and the button that starts a new one. */
import type { Thread } from '../client.js';
import { dayLabel, timeLabel } from '../format.js';
import { fmt, type Strings } from '../i18n/index.js';

interface Props {
  threads: readonly Thread[];
  s: Strings;
  locale: string;
  onPick: (id: string) => void;
  onNew: () => void;
}

export function ThreadList({ threads, s, locale, onPick, onNew }: Props) {
  return (
    <>
      {threads.length === 0 ? (
        <p class="e">{s.noConversations}</p>
      ) : (
        <ul class="tl">
          {threads.map((t) => (
            <li key={t.id}>
              <button type="button" onClick={() => onPick(t.id)}>
                {t.unread > 0 && <em aria-label={fmt(s.unread, { n: t.unread })}>{t.unread}</em>}
                {dayLabel(t.updatedAt, locale, s)} · {timeLabel(t.updatedAt, locale)}
                <small>{t.lastMessage?.text ?? '…'}</small>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="e">
        <button type="button" class="btn" onClick={onNew}>
          {s.newConversation}
        </button>
      </div>
    </>
  );
}
