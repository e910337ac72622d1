/** A minimal typed event emitter; `on` returns its own undo function. */
export interface Emitter<M> {
  on<K extends keyof M>(event: K, fn: (e: M[K]) => void): () => void;
  emit<K extends keyof M>(event: K, e: M[K]): void;
  clear(): void;
}

export function createEmitter<M>(): Emitter<M> {
  let all: { [K in keyof M]?: Set<(e: M[K]) => void> } = {};
  return {
    on(event, fn) {
      const set = (all[event] ??= new Set());
      set.add(fn);
      return () => void set.delete(fn);
    },
    emit(event, e) {
      all[event]?.forEach((fn) => {
        try {
          fn(e);
        } catch (err) {
          // A page listener that throws must not break the widget.
          console.error(err);
        }
      });
    },
    clear() {
      all = {};
    },
  };
}
