// Cross-package end-to-end tests: real sockets, real processes, a real browser.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Heavy tests (crash, browser, load) compete for 2 cores: run files one at a time.
    fileParallelism: false,
  },
});
