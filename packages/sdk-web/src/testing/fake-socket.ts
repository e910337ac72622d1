/** The client end of a fake server's socket: an in-memory WebSocket delivering on microtasks. */
import type { ClientFrame } from '@causette/shared';
import type { WebSocketLike } from '../types.js';

/** What a socket needs of its server (the FakeServer). */
export interface SocketServer {
  sockets: Set<FakeSocket>;
  onText(s: FakeSocket, raw: string): void;
}

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  contactId = '';
  helloDone = false;
  /** Frames this socket received from the client. */
  received: ClientFrame[] = [];

  constructor(
    readonly server: SocketServer,
    readonly url: string,
    readonly protocols: string[],
  ) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    queueMicrotask(() => this.server.onText(this, data));
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.server.sockets.delete(this);
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }

  /** Server side: deliver raw text to the client. */
  deliver(raw: string): void {
    if (this.readyState !== 1) return;
    queueMicrotask(() => this.readyState === 1 && this.onmessage?.({ data: raw }));
  }
}
