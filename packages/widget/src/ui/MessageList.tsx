/**
 * The scrolling message log: greeting, day separators, bubbles. Sticks to the bottom as
 * messages arrive; scrolling near the top loads older pages (infinite scroll) and the scroll
 * position is kept when they are prepended.
 */
import { Component } from 'preact';
import type { LocalMessage } from '../client.js';
import { dayLabel, newDay } from '../format.js';
import type { Strings } from '../i18n/index.js';
import { Bubble } from './Bubble.js';
import { text } from './Text.js';

interface Props {
  threadId: string | null;
  messages: readonly LocalMessage[];
  s: Strings;
  locale: string;
  greeting: string | null | undefined;
  /** The away message, shown under the visitor's last message while it awaits a reply. */
  note: string | null | undefined;
  agentReadSeq: number;
  hasMore: boolean;
  fetching: boolean;
  onLoadOlder: () => void;
  onRetry: (clientId: string) => void;
}

const key = (m: LocalMessage | undefined) => m && (m.clientId ?? m.id);
const PINNED = 80;

// A class, not hooks: preact/hooks costs ~1 KB gzip of the 20 KB budget (issue 4).
export class MessageList extends Component<Props> {
  el: HTMLOListElement | null = null;
  /** Distance from the bottom, kept by scrolling; under PINNED we follow new messages. */
  fromBottom = 0;

  override componentDidMount(): void {
    this.componentDidUpdate({ ...this.props, messages: [] });
  }

  override componentDidUpdate(prev: Props): void {
    const el = this.el;
    if (!el) return;
    const p = this.props;
    const m = p.messages;
    const last = m[m.length - 1];
    if (key(m[0]) !== key(prev.messages[0]) && prev.messages.length && this.fromBottom >= PINNED) {
      // An older page was prepended: keep the same messages in view.
      el.scrollTop = el.scrollHeight - el.clientHeight - this.fromBottom;
    } else if (
      this.fromBottom < PINNED ||
      (last?.author.kind === 'visitor' &&
        key(last) !== key(prev.messages[prev.messages.length - 1]))
    ) {
      el.scrollTop = el.scrollHeight;
    }
    // A first page too short to scroll cannot trigger onScroll: fetch more right away.
    if (p.hasMore && !p.fetching && el.scrollHeight <= el.clientHeight) p.onLoadOlder();
  }

  onScroll = (): void => {
    const el = this.el!;
    const p = this.props;
    this.fromBottom = el.scrollHeight - el.clientHeight - el.scrollTop;
    if (el.scrollTop < 60 && p.hasMore && !p.fetching) p.onLoadOlder();
  };

  override render(p: Props) {
    const { messages, s, locale, hasMore } = p;
    let lastMine = -1;
    messages.forEach((m, i) => {
      if (m.author.kind === 'visitor') lastMine = i;
    });

    return (
      <ol
        class="m"
        ref={(el) => {
          this.el = el;
        }}
        onScroll={this.onScroll}
        tabIndex={0}
        aria-label={s.title}
        data-thread={p.threadId ?? undefined}
      >
        {hasMore && <li class="d">{p.fetching ? s.loadingOlder : ''}</li>}
        {!hasMore && p.greeting && (
          <li class="g" dir="auto">
            {text(p.greeting)}
          </li>
        )}
        {messages.map((m, i) => {
          const prev = messages[i - 1];
          const sep = newDay(prev?.ts, m.ts);
          const head =
            sep || prev?.author.kind !== m.author.kind || prev.author.name !== m.author.name;
          const mine = m.author.kind === 'visitor';
          const k = m.clientId ?? m.id ?? String(i);
          const bubble = (
            <Bubble
              key={k}
              m={m}
              s={s}
              locale={locale}
              head={head}
              status={mine && (i === lastMine || m.status !== 'sent')}
              read={m.seq !== undefined && m.seq <= p.agentReadSeq}
              onRetry={p.onRetry}
            />
          );
          return sep
            ? [
                <li key={`d${k}`} class="d">
                  {dayLabel(m.ts, locale, s)}
                </li>,
                bubble,
              ]
            : bubble;
        })}
        {p.note && messages[messages.length - 1]?.author.kind === 'visitor' && (
          <li class="g" dir="auto">
            {p.note}
          </li>
        )}
      </ol>
    );
  }
}
