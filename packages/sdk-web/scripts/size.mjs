#!/usr/bin/env node
// Size budget: the ESM bundle of dist/index.js, with the @causette/shared code it pulls in,
// minified (esbuild) and gzipped (zlib, level 9) must stay within BUDGET bytes.
// Prints min / gzip / brotli figures; exits 1 when over budget.
import { build } from 'esbuild';
import { gzipSync, brotliCompressSync } from 'node:zlib';

const BUDGET = 8 * 1024;
const entry = new URL('../dist/index.js', import.meta.url).pathname;
const out = await build({
  entryPoints: [entry],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'silent',
});
const code = out.outputFiles[0].contents;
const gz = gzipSync(code, { level: 9 }).length;
const br = brotliCompressSync(code).length;
const kb = (n) => `${(n / 1024).toFixed(2)} KB (${n} B)`;
const ok = gz <= BUDGET;
console.log(
  `@causette/sdk-web size: ${kb(code.length)} min, ${kb(gz)} min+gzip, ${kb(br)} min+brotli ` +
    `(budget ${kb(BUDGET)} min+gzip) ${ok ? 'OK' : 'OVER BUDGET'}`,
);
if (!ok) process.exit(1);
