// Size budget of the embeddable bundles: prints min / gzip / brotli for each and fails the
// build when the loader or loader + widget go over budget (gzip, level 9, as served).
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const KB = 1024;
const LOADER_BUDGET = 1.5 * KB;
const TOTAL_BUDGET = 20 * KB;

const dist = new URL('../dist/', import.meta.url);
const measure = (name) => {
  const buf = readFileSync(new URL(name, dist));
  return {
    name,
    min: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length,
  };
};

const rows = [measure('loader.js'), measure('widget.js')];
const total = {
  name: 'loader + widget',
  min: rows[0].min + rows[1].min,
  gzip: rows[0].gzip + rows[1].gzip,
  brotli: rows[0].brotli + rows[1].brotli,
};
const fmt = (n) => `${(n / KB).toFixed(2)} KB`.padStart(10);
console.log(
  `${'bundle'.padEnd(16)}${'min'.padStart(10)}${'gzip'.padStart(10)}${'brotli'.padStart(10)}`,
);
for (const r of [...rows, total]) {
  console.log(`${r.name.padEnd(16)}${fmt(r.min)}${fmt(r.gzip)}${fmt(r.brotli)}`);
}

const errors = [];
if (rows[0].gzip > LOADER_BUDGET)
  errors.push(`loader.js is ${rows[0].gzip} B gzip, budget ${LOADER_BUDGET} B`);
if (total.gzip > TOTAL_BUDGET)
  errors.push(`loader + widget is ${total.gzip} B gzip, budget ${TOTAL_BUDGET} B`);
if (errors.length) {
  for (const e of errors) console.error(`size budget exceeded: ${e}`);
  process.exit(1);
}
console.log(
  `size budgets hold: loader ${rows[0].gzip}/${LOADER_BUDGET} B gzip, total ${total.gzip}/${TOTAL_BUDGET} B gzip`,
);
