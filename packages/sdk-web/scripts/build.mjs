#!/usr/bin/env node
// Build: one ESM file dist/index.js (esbuild; @causette/shared stays an import), declarations
// by tsc (run before this script). Internal property names listed in mangle.json are shortened
// consistently (as Preact does); they never cross the package boundary.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const { props } = JSON.parse(readFileSync(`${root}mangle.json`, 'utf8'));
await build({
  entryPoints: [`${root}src/index.ts`],
  outfile: `${root}dist/index.js`,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: ['@causette/shared'],
  mangleProps: new RegExp(`^(${props.join('|')})$`),
  sourcemap: true,
  logLevel: 'warning',
});
