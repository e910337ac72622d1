/**
 * Cross-connection fan-out contract. The in-process implementation serves one server; a
 * Redis or NATS implementation lets several server processes share live events.
 */
import type { Author, Message, Reader, Thread } from '@causette/shared';

/** Everything that must reach live sockets, typed once. */
export type BusEvent =
  | { type: 'message'; appId: string; contactId: string; message: Message; originId?: string }
  | {
      type: 'read';
      appId: string;
      contactId: string;
      threadId: string;
      reader: Reader;
      seq: number;
    }
  | {
      type: 'typing';
      appId: string;
      contactId: string;
      threadId: string;
      author: Author;
      on: boolean;
      originId?: string;
    }
  | { type: 'thread'; appId: string; contactId: string; thread: Thread };

export type BusListener = (event: BusEvent) => void;

export interface Bus {
  publish(event: BusEvent): void;
  /** Returns an undo function. */
  subscribe(listener: BusListener): () => void;
  close(): Promise<void>;
}
