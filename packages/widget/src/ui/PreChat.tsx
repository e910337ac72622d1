/** Optional form (configured per app on the server) asking the visitor's name and e-mail. */
import type { PreChatField } from '../client.js';
import type { Strings } from '../i18n/index.js';

interface Props {
  fields: readonly unknown[] | undefined;
  s: Strings;
  onSubmit: (values: Record<string, string>) => void;
}

// Settings come from the server as data: keep only well-formed fields.
const norm = (f: unknown): PreChatField | null =>
  typeof f === 'string'
    ? { name: f }
    : f && typeof (f as PreChatField).name === 'string'
      ? (f as PreChatField)
      : null;

export function PreChat({ fields, s, onSubmit }: Props) {
  const list = (fields?.length ? fields : ['name', 'email'])
    .map(norm)
    .filter((f): f is PreChatField => !!f);
  const submit = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const values: Record<string, string> = {};
    for (const f of list) {
      const v = data.get(f.name);
      if (typeof v === 'string' && v.trim()) values[f.name] = v.trim().slice(0, 500);
    }
    onSubmit(values);
  };
  return (
    <form class="pc" onSubmit={submit}>
      <p>{s.preChatIntro}</p>
      {list.map((f) => {
        const known = f.name === 'email' || f.name === 'name';
        const label = f.label ?? (known ? s[f.name as 'name' | 'email'] : f.name);
        return (
          <label key={f.name}>
            {label}
            {f.required && ` (${s.required})`}
            <input
              name={f.name}
              type={f.type ?? (f.name === 'email' ? 'email' : 'text')}
              autoComplete={known ? f.name : 'off'}
              required={!!f.required}
            />
          </label>
        );
      })}
      <button type="submit" class="btn">
        {s.start}
      </button>
    </form>
  );
}
