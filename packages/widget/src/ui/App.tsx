/** Root component: launcher and panel (header, connection banner, current view). */
import { fmt, type Strings } from '../i18n/index.js';
import type { ChatModel, Snapshot } from '../model.js';
import { Composer } from './Composer.js';
import { trapTab } from './focus.js';
import { Launcher } from './Launcher.js';
import { MessageList } from './MessageList.js';
import { PreChat } from './PreChat.js';
import { ThreadList } from './ThreadList.js';

export interface AppProps {
  model: ChatModel;
  /** The model's state, rendered as is; mount() redraws on every change. */
  snap: Snapshot;
  s: Strings;
  locale: string;
  rtl: boolean;
  theme: string;
  left: boolean;
  /** Open or close through the controller, so page listeners hear about it. */
  setOpen: (open: boolean) => void;
}

/** A plain function of its props (no hooks: see MessageList); focus is handled by mount(). */
export function App({ model, snap, s, locale, rtl, theme, left, setOpen }: AppProps) {
  const st = snap.settings;
  const offline = !snap.online || (snap.everConnected && snap.state !== 'connected');
  const sub = st.expectedReplyTime ? fmt(s.replyTime, { time: st.expectedReplyTime }) : '';
  const title = snap.view === 'list' ? s.conversations : st.name || s.title;

  return (
    <div
      class={`z${left ? ' left' : ''}${snap.open ? ' open' : ''}`}
      data-theme={theme}
      dir={rtl ? 'rtl' : 'ltr'}
      lang={locale}
    >
      {snap.open && (
        <div
          class="p"
          role="dialog"
          aria-modal="true"
          aria-labelledby="cz-title"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              setOpen(false);
            } else trapTab(e, e.currentTarget);
          }}
        >
          <div class="h">
            {snap.view === 'thread' && (snap.threads.length > 0 || snap.threadId) && (
              <button type="button" class="i" aria-label={s.back} onClick={() => model.showList()}>
                {rtl ? '›' : '‹'}
              </button>
            )}
            <div>
              <h2 id="cz-title">{title}</h2>
              {sub && <p>{sub}</p>}
            </div>
            <button type="button" class="i" aria-label={s.close} onClick={() => setOpen(false)}>
              ×
            </button>
          </div>
          {offline && (
            <p class="o" role="status">
              {snap.online && !snap.everConnected ? s.connecting : s.offline}
            </p>
          )}
          {snap.view === 'list' && (
            <ThreadList
              threads={snap.threads}
              s={s}
              locale={locale}
              onPick={(id) => void model.selectThread(id)}
              onNew={() => model.startConversation()}
            />
          )}
          {snap.view === 'prechat' && (
            <PreChat
              fields={st.preChatForm?.fields}
              s={s}
              onSubmit={(v) => model.submitPreChat(v)}
            />
          )}
          {snap.view === 'thread' && (
            <>
              <MessageList
                threadId={snap.threadId}
                messages={snap.messages}
                s={s}
                locale={locale}
                greeting={st.greeting}
                note={st.away === false ? null : st.awayMessage}
                agentReadSeq={snap.agentReadSeq}
                hasMore={snap.hasMore}
                fetching={snap.fetching}
                onLoadOlder={() => void model.loadOlder()}
                onRetry={(id) => model.retry(id)}
              />
              <div class="y" aria-hidden={snap.typing === null}>
                {snap.typing !== null && fmt(s.typing, { name: snap.typing || s.agent })}
              </div>
              <Composer
                s={s}
                onSend={(t) => void model.send(t)}
                onTyping={(on) => model.setTyping(on)}
              />
            </>
          )}
        </div>
      )}
      <Launcher open={snap.open} unread={snap.unread} s={s} onClick={() => setOpen(!snap.open)} />
    </div>
  );
}
