/** The round button that opens and closes the panel, with the unread badge. */
import { fmt, type Strings } from '../i18n/index.js';
import { chatIcon, closeIcon } from '../styles/icons.js';

interface Props {
  open: boolean;
  unread: number;
  s: Strings;
  onClick: () => void;
}

export function Launcher({ open, unread, s, onClick }: Props) {
  const badge = !open && unread > 0;
  const label = open ? s.launcherClose : s.launcherOpen;
  return (
    <button
      type="button"
      class="l"
      aria-label={badge ? `${label}, ${fmt(s.unread, { n: unread })}` : label}
      aria-expanded={open}
      aria-haspopup="dialog"
      onClick={onClick}
    >
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path d={open ? closeIcon : chatIcon} />
      </svg>
      {badge && (
        <span class="b" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </button>
  );
}
