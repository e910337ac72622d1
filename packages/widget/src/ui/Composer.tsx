/** Message input: Enter sends, Shift+Enter adds a line; typing on/off is reported to agents. */
import { Component } from 'preact';
import type { Strings } from '../i18n/index.js';

interface Props {
  s: Strings;
  onSend: (text: string) => void;
  onTyping: (on: boolean) => void;
}

const TYPING_IDLE_MS = 3000;

// Uncontrolled textarea and a class instead of hooks (size budget, see MessageList).
export class Composer extends Component<Props> {
  ta: HTMLTextAreaElement | null = null;
  typing: ReturnType<typeof setTimeout> | 0 = 0;

  stop = (): void => {
    if (!this.typing) return;
    clearTimeout(this.typing);
    this.typing = 0;
    this.props.onTyping(false);
  };

  submit = (e: Event): void => {
    e.preventDefault();
    const ta = this.ta!;
    if (!ta.value.trim()) return;
    this.props.onSend(ta.value);
    ta.value = '';
    this.stop();
  };

  input = (): void => {
    if (this.typing) clearTimeout(this.typing);
    else this.props.onTyping(true);
    this.typing = setTimeout(this.stop, TYPING_IDLE_MS);
  };

  override render({ s }: Props) {
    return (
      <form class="c" onSubmit={this.submit}>
        <textarea
          ref={(el) => {
            this.ta = el;
          }}
          rows={1}
          aria-label={s.composerLabel}
          placeholder={s.composerPlaceholder}
          maxLength={4000}
          onInput={this.input}
          onBlur={this.stop}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) this.submit(e);
          }}
        />
        <button type="submit" class="s">
          {s.send}
        </button>
      </form>
    );
  }
}
