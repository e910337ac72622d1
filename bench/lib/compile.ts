/**
 * Transpiles the baseline relays to plain JS under bench/servers/dist/ (git-ignored) so that
 * they start like Causette's built CLI does: no TypeScript loader in their process, which
 * would otherwise inflate their cold start and RSS.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const DIR = new URL('../servers/', import.meta.url).pathname;

export function compileRelays(): void {
  mkdirSync(join(DIR, 'dist'), { recursive: true });
  for (const name of ['ws-rooms', 'raw-ws-relay', 'durable-relay', 'socketio-relay']) {
    const src = readFileSync(join(DIR, `${name}.ts`), 'utf8');
    const out = ts.transpileModule(src, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(DIR, 'dist', `${name}.js`), out.outputText);
  }
}
