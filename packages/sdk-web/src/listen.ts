/** Register a DOM-style listener and get back the function that removes it. */

interface Target {
  addEventListener?(type: string, fn: () => void): void;
  removeEventListener?(type: string, fn: () => void): void;
}

/**
 * Listen to `type` on `target` when it exists (browsers); a no-op elsewhere (Node).
 * @example const undo = listen(globalThis, 'online', retryNow); undo();
 */
export function listen(target: unknown, type: string, fn: () => void): () => void {
  const t = target as Target | undefined;
  t?.addEventListener?.(type, fn);
  return () => t?.removeEventListener?.(type, fn);
}
