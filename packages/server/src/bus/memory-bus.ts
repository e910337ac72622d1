/** In-process `Bus`: synchronous delivery to every subscriber of this process. */
import type { Bus, BusEvent, BusListener } from './bus.js';

export class MemoryBus implements Bus {
  private readonly listeners = new Set<BusListener>();

  publish(event: BusEvent): void {
    for (const l of this.listeners) l(event);
  }

  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
