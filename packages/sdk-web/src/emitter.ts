/** A minimal typed event emitter: `on()` returns its own unsubscribe function. */

export interface Emitter<M> {
  on<K extends keyof M>(type: K, fn: (event: M[K]) => void): () => void;
  emit<K extends keyof M>(type: K, event: M[K]): void;
}

export function createEmitter<M>(): Emitter<M> {
  const all: { [K in keyof M]?: Set<(event: M[K]) => void> } = {};
  return {
    on(type, fn) {
      const set = (all[type] ??= new Set());
      set.add(fn);
      return () => void set.delete(fn);
    },
    emit(type, event) {
      // Like Node's EventEmitter: a listener that throws is a bug in the app; it propagates.
      all[type]?.forEach((fn) => fn(event));
    },
  };
}
