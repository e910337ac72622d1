/** Public types of the client: options, messages as the UI sees them, events, transport seams. */
import type { Author, Metadata, Reader, Thread } from '@causette/shared';
import type { KeyValueStorage } from './storage.js';
import type { State, Reason } from './states.js';

/** Method syntax keeps handler parameters bivariant so `ws` and DOM sockets both fit. */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** What the client needs of a WebSocket: the DOM one, `ws`, or a test double. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
}
export type WebSocketCtor = new (url: string, protocols: string[]) => WebSocketLike;

/** Injectable timers (fake timers in tests). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface ClientOptions {
  /** Public app id (from `causette init`). */
  appId: string;
  /** Server base URL, e.g. `https://chat.example.com`; the socket uses the same host. */
  url: string;
  /** Where the session token and the outbox persist. Default: IndexedDB, or memory in Node. */
  storage?: KeyValueStorage;
  /** WebSocket class. Default: `globalThis.WebSocket` (pass `ws` in Node 20). */
  WebSocket?: WebSocketCtor;
  /** `fetch` implementation. Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  timers?: Timers;
  /** Random source for backoff jitter. Default: `Math.random`. */
  random?: () => number;
  /** A JWT from your backend: start identified (same as calling `identify()` first). */
  userToken?: string;
  /** Client heartbeat period (ms); the server's `heartbeatMs` wins when shorter. Default 10 s. */
  heartbeatMs?: number;
  /** Backoff bounds (ms). Default `{ base: 500, cap: 30_000 }`. */
  backoff?: { base: number; cap: number };
}

export type MessageStatus = 'pending' | 'sent' | 'failed';

/** A message as the UI shows it: stored ones have `id`/`seq`; your own unsent ones do not yet. */
export interface LocalMessage {
  clientId: string | null;
  id?: string;
  seq?: number;
  threadId: string;
  author: Author;
  text: string;
  metadata?: Metadata | undefined;
  ts: number;
  status: MessageStatus;
  /** Why a `failed` message failed (stable code). */
  error?: { code: string; message: string };
}

/** Public app settings (`GET /v1/apps/{appId}/settings`). */
export interface AppSettings {
  appId: string;
  name: string;
  greeting: string;
  awayMessage: string;
  /** Free text, e.g. "within an hour". */
  expectedReplyTime: string;
  /** Fields to ask before the first message (the server knows `name` and `email`). */
  preChatForm: { enabled: boolean; fields: string[] };
}

/** Every event the client emits, with its payload. */
export interface ClientEvents {
  /** The connection state changed. */
  state: { oldState: State; newState: State; reason: Reason };
  /** A message not sent by this client arrived (agent reply, another tab, resume replay, gap fill). */
  message: { threadId: string; message: LocalMessage };
  /** One of this client's messages changed status (pending -> sent, or failed). */
  'message:status': { threadId: string; message: LocalMessage };
  /** A thread's info or its loaded message list changed (opened, pushed, reloaded, page loaded). */
  thread: { thread: Thread };
  /** Someone (an agent, another tab) started or stopped typing. */
  typing: { threadId: string; author: Author; on: boolean };
  /** A read cursor moved (the agent read, or this visitor read on another tab). */
  read: { threadId: string; reader: Reader; seq: number };
  /** A thread's unread count changed; `total` sums all known threads. */
  unread: { threadId: string; count: number; total: number };
  /** Something went wrong that no promise reports (bad frame, refused token, storage failure). */
  error: { code: string; message: string };
}

/** One thread as the UI drives it (from `client.openThread()`). */
export interface ThreadHandle {
  readonly id: string;
  /** Thread info as last seen (status, lastSeq, unread, lastMessage). */
  readonly info: Thread;
  /** Stored messages in seq order, then this client's unsent ones in send order. */
  readonly messages: readonly LocalMessage[];
  /** True when older messages exist on the server (call `loadOlder()`). */
  readonly hasMoreOlder: boolean;
  readonly unread: number;
  /** Fetch the previous page of history. */
  loadOlder(): Promise<void>;
  /** Queue a message (persisted first, then sent); returns it with status `pending`. */
  send(text: string, options?: { metadata?: Metadata }): LocalMessage;
  /** Put a `failed` message back in the outbox. */
  retry(clientId: string): void;
  /** Mark everything up to the last message as read. */
  markRead(): void;
  setTyping(on: boolean): void;
}

/** The client `createClient()` returns. */
export interface CausetteClient {
  /** Current connection state (see `State`). */
  readonly state: State;
  /** Start connecting (session, socket, resume); messages queued offline go out once ready. */
  connect(): void;
  /** Close the connection; the outbox is kept for the next `connect()`. */
  disconnect(): void;
  /** Become the identified user of `jwt` (signed by your backend); anonymous history merges. */
  identify(jwt: string): Promise<void>;
  /** Forget the visitor: clears the stored session, the outbox and every loaded thread. */
  logout(): Promise<void>;
  getSettings(): Promise<AppSettings>;
  /** The visitor's threads with unread counts and last message. */
  listThreads(): Promise<Thread[]>;
  /** A specific thread, or a new one when `id` is omitted; its latest page is loaded. */
  openThread(id?: string): Promise<ThreadHandle>;
  /** Subscribe to an event; returns the unsubscribe function. */
  on<K extends keyof ClientEvents>(type: K, fn: (event: ClientEvents[K]) => void): () => void;
}

export type { Author, Metadata, Reader, Thread, KeyValueStorage };
export type { SessionResponse } from '@causette/shared';
