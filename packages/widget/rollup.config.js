// Outputs: the loader (snippet script), the lazy widget (everything bundled: Preact, SDK,
// shared schemas), one script per extra locale, all classic minified IIFEs; and the npm
// entry (ESM, dependencies external).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const src = (p) => fileURLToPath(new URL(`src/${p}`, import.meta.url));
const ts = () =>
  esbuild({ target: 'es2022', jsx: 'automatic', jsxImportSource: 'preact', sourceMap: false });

// The CSS lives in template literals written one rule per line: drop the line breaks.
const css = () => ({
  name: 'css-newlines',
  transform(code, id) {
    if (!/[\\/]styles[\\/][^\\/]+\.ts$/.test(id)) return null;
    const out = code.replace(/`([^`]*)`/g, (_, c) => '`' + c.replace(/\n/g, '') + '`');
    return { code: out, map: null };
  },
});

// The lazy bundle swaps three modules: locales come from dist/locales/<lang>.js instead of
// import(), the launcher rules are the loader's (mount() reuses its <style>), and so are
// the host element's custom properties (the loader set them from the same options).
const lazySwaps = () => ({
  name: 'lazy-swaps',
  resolveId(id, importer) {
    if (!importer?.startsWith(src(''))) return null;
    if (id === './i18n/load.js') return src('i18n/load-script.ts');
    if (id === './styles/launcher.js') return '\0no-launcher-css';
    if (id === './host.js') return '\0no-host-vars';
    return null;
  },
  load: (id) =>
    id === '\0no-launcher-css'
      ? "export const launcherCss = '';"
      : id === '\0no-host-vars'
        ? 'export const applyHostVars = () => {};'
        : null,
});

// dist/locales/<lang>.js: `Causette('_locale', lang, table)`.
const localeEntry = (lang) => ({
  name: 'locale-entry',
  resolveId: (id) => (id === `locale:${lang}` ? `\0locale:${lang}` : null),
  load: (id) =>
    id === `\0locale:${lang}`
      ? `import { ${lang} } from ${JSON.stringify(src(`i18n/${lang}.ts`))};\n` +
        `window.Causette && window.Causette('_locale', '${lang}', ${lang});`
      : null,
});

// Widget-private property names that terser may shorten (see mangle.json).
const { props } = JSON.parse(readFileSync(new URL('mangle.json', import.meta.url), 'utf8'));
// Locale files are built apart and brands override strings by key: never mangle those keys.
const localeKeys = [...readFileSync(src('i18n/en.ts'), 'utf8').matchAll(/^ {2}(\w+):/gm)].map(
  (m) => m[1],
);
const clash = props.filter((p) => localeKeys.includes(p));
if (clash.length) throw new Error(`mangle.json lists locale keys: ${clash.join(', ')}`);
const min = () =>
  terser({
    ecma: 2020,
    module: false,
    compress: {
      passes: 5,
      pure_getters: true,
      unsafe_arrows: true,
      unsafe_methods: true,
      keep_fargs: false,
    },
    mangle: { properties: { regex: new RegExp(`^(${props.join('|')})$`) } },
    format: { comments: false, ascii_only: true },
  });

const bundled = (input, file, extra = []) => ({
  input,
  output: { file, format: 'iife', sourcemap: false },
  plugins: [
    ...extra,
    css(),
    resolve({ browser: true, extensions: ['.ts', '.tsx', '.js'] }),
    ts(),
    min(),
  ],
});

export default [
  bundled('src/loader/loader.ts', 'dist/loader.js'),
  bundled('src/widget-entry.ts', 'dist/widget.js', [lazySwaps()]),
  ...['fr', 'ar'].map((l) => bundled(`locale:${l}`, `dist/locales/${l}.js`, [localeEntry(l)])),
  {
    input: 'src/index.ts',
    output: { file: 'dist/index.js', format: 'es', sourcemap: true, inlineDynamicImports: true },
    external: (id) => /^(preact|@causette\/)/.test(id),
    plugins: [css(), resolve({ extensions: ['.ts', '.tsx', '.js'] }), ts()],
  },
];
