/** The committed migrations as an older server had them, for upgrade tests. */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIGRATIONS = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** A copy of the committed migrations in `dir`, only the first `n` of them. */
export function migrationsUpTo(dir: string, n: number): string {
  const out = join(dir, 'migrations');
  mkdirSync(join(out, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  journal.entries = journal.entries.slice(0, n);
  writeFileSync(join(out, 'meta/_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries)
    copyFileSync(join(MIGRATIONS, `${e.tag}.sql`), join(out, `${e.tag}.sql`));
  return out;
}
