/**
 * Polls `fn` until `ok` accepts its value or `ms` pass, and returns the last value either way:
 * the test's own assertions then judge it (and show it when it fails).
 */
export async function until<T>(
  fn: () => T | Promise<T>,
  ok: (v: T) => boolean,
  ms = 3000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 15));
  }
}
