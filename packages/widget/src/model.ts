/**
 * The widget's state, kept outside Preact: it subscribes to the SDK client's events and
 * publishes immutable snapshots that the UI renders. No DOM here, so it is unit-tested in
 * Node with a fake client.
 */
import type { ChatClient, LocalMessage, Thread, ThreadHandle, WidgetSettings } from './client.js';

export type View = 'list' | 'thread' | 'prechat';

export interface Snapshot {
  open: boolean;
  /** Connection state as the SDK names it ('connected' when live). */
  state: string;
  /** False while the browser reports no network. */
  online: boolean;
  /** True once a connection has been made; before that a delay is "connecting", not offline. */
  everConnected: boolean;
  settings: WidgetSettings;
  threads: readonly Thread[];
  view: View;
  /** The open thread's id; null for a new conversation not yet sent. */
  threadId: string | null;
  messages: readonly LocalMessage[];
  hasMore: boolean;
  /** An older page is being fetched. */
  fetching: boolean;
  /** Name of the agent typing in the open thread, if any. */
  typing: string | null;
  /** Highest seq an agent has read in the open thread (for read marks). */
  agentReadSeq: number;
  unread: number;
}

export type Announce = (m: LocalMessage) => void;

const TYPING_TTL = 8000;
/** Most recently active first. */
const recent = (ts: Thread[]): Thread[] => ts.sort((a, b) => b.updatedAt - a.updatedAt);
const PRECHAT_KEY = 'causette.prechat.';

export class ChatModel {
  snap: Snapshot;
  private readonly subs = new Set<() => void>();
  private readonly offs: (() => void)[] = [];
  private handle: ThreadHandle | null = null;
  private opening: Promise<ThreadHandle> | null = null;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private syncTimer: ReturnType<typeof setTimeout> | undefined;
  private preChat: Record<string, string> | null = null;

  constructor(
    readonly client: ChatClient,
    private readonly announce: Announce,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = null,
    private readonly appId = '',
  ) {
    this.snap = {
      open: false,
      state: client.state,
      online: true,
      everConnected: client.state === 'connected',
      settings: {},
      threads: [],
      view: 'thread',
      threadId: null,
      messages: [],
      hasMore: false,
      fetching: false,
      typing: null,
      agentReadSeq: 0,
      unread: 0,
    };
  }

  /** Re-render callback registration; returns the undo function. */
  subscribe(fn: () => void): () => void {
    this.subs.add(fn);
    return () => this.subs.delete(fn);
  }

  private set(patch: Partial<Snapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const fn of this.subs) fn();
  }

  /** Wire the client's events, connect, and fetch the app's settings and thread list. */
  start(): void {
    const c = this.client;
    this.offs.push(
      c.on('state', (e) => {
        // identify()/logout(): another person now, so forget the previous one's threads.
        if (e.reason === 'identity') this.forget();
        const live = e.newState === 'connected';
        this.set({ state: e.newState, everConnected: this.snap.everConnected || live });
        if (live) void this.refreshThreads();
      }),
      c.on('message', (e) => {
        if (e.threadId === this.snap.threadId) {
          if (e.message.author.kind !== 'visitor') this.set({ typing: null });
          this.syncMessages();
          if (this.snap.open) this.markRead();
        }
        // Replayed history is not news: only announce what was just written.
        if (e.message.author.kind !== 'visitor' && Date.now() - e.message.ts < 60_000) {
          this.announce(e.message);
        }
      }),
      c.on('message:status', (e) => {
        if (e.threadId === this.snap.threadId) this.syncMessages();
      }),
      c.on('thread', ({ thread }) => {
        this.set({
          threads: recent([thread, ...this.snap.threads.filter((t) => t.id !== thread.id)]),
        });
        if (thread.id === this.snap.threadId) {
          this.readSeq(thread.agentReadSeq);
          this.syncMessages();
        }
      }),
      c.on('typing', (e) => {
        if (e.threadId !== this.snap.threadId || e.author.kind === 'visitor') return;
        clearTimeout(this.typingTimer);
        this.set({ typing: e.on ? (e.author.name ?? '') : null });
        if (e.on) this.typingTimer = setTimeout(() => this.set({ typing: null }), TYPING_TTL);
      }),
      c.on('read', (e) => {
        if (e.threadId === this.snap.threadId && e.reader === 'agent') this.readSeq(e.seq);
      }),
      c.on('unread', (e) => this.set({ unread: e.total })),
    );
    c.connect();
    c.getSettings().then(
      (settings) => this.set({ settings }),
      () => undefined,
    );
    try {
      const saved = this.storage?.getItem(PRECHAT_KEY + this.appId);
      if (saved) this.preChat = JSON.parse(saved) as Record<string, string>;
    } catch {
      // Storage can be blocked (private mode, sandboxed iframes): the form just shows again.
    }
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    clearTimeout(this.typingTimer);
    clearTimeout(this.syncTimer);
    this.subs.clear();
  }

  private forget(): void {
    this.handle = null;
    this.opening = null;
    this.set({ threads: [], threadId: null, messages: [], view: 'thread', unread: 0 });
  }

  setOnline(online: boolean): void {
    this.set({ online });
  }

  private readSeq(seq: number): void {
    if (seq > this.snap.agentReadSeq) this.set({ agentReadSeq: seq });
  }

  private async refreshThreads(): Promise<void> {
    try {
      const threads = recent([...(await this.client.listThreads())]);
      const patch: Partial<Snapshot> = { threads };
      if (!this.handle) patch.unread = threads.reduce((n, t) => n + t.unread, 0);
      this.set(patch);
      // First open before the list arrived: show the latest conversation.
      if (this.snap.open && !this.handle && !this.opening && this.snap.view === 'thread') {
        const latest = threads[0];
        if (latest) await this.selectThread(latest.id);
      }
    } catch {
      // Offline or not yet authorised: the list is fetched again on the next 'connected'.
    }
  }

  /**
   * Re-read the open thread's messages on the next task, not in the event handler: the SDK
   * emits 'message:status' before it files the acknowledged message, and queues a new send
   * in its outbox a microtask after `send()` returns. Several events in a row also collapse
   * into one render.
   */
  private syncMessages(): void {
    if (this.syncTimer !== undefined) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      const h = this.handle;
      if (h) this.set({ messages: [...h.messages], hasMore: h.hasMoreOlder });
    }, 0);
  }

  setOpen(open: boolean): void {
    if (open === this.snap.open) return;
    this.set({ open });
    if (!open) return;
    if (this.handle) this.markRead();
    else if (this.snap.view === 'thread') {
      const latest = this.snap.threads[0];
      if (latest) void this.selectThread(latest.id);
      else if (this.needsPreChat()) this.set({ view: 'prechat' });
    }
  }

  private needsPreChat(): boolean {
    return !!this.snap.settings.preChatForm?.enabled && !this.preChat;
  }

  showList(): void {
    this.set({ view: 'list' });
    void this.refreshThreads();
  }

  /** Start a blank conversation; the thread is created on the server by the first send. */
  startConversation(): void {
    this.handle = null;
    this.opening = null;
    this.set({
      view: this.needsPreChat() ? 'prechat' : 'thread',
      threadId: null,
      messages: [],
      hasMore: false,
      typing: null,
      agentReadSeq: 0,
    });
  }

  submitPreChat(values: Record<string, string>): void {
    this.preChat = values;
    try {
      this.storage?.setItem(PRECHAT_KEY + this.appId, JSON.stringify(values));
    } catch {
      // See start(): storage may be unavailable.
    }
    this.set({ view: 'thread' });
  }

  async selectThread(id: string): Promise<void> {
    const t = this.snap.threads.find((x) => x.id === id);
    this.set({
      view: 'thread',
      threadId: id,
      messages: [],
      typing: null,
      agentReadSeq: t?.agentReadSeq ?? 0,
    });
    const p = this.open(id);
    const h = await p;
    if (this.opening !== p) return;
    this.handle = h;
    this.syncMessages();
    if (this.snap.open) this.markRead();
  }

  /**
   * Opens a thread (a new one without `id`) as the one being opened. A refused open (rate
   * limit, server error) is forgotten, so the next send or selection asks again instead of
   * awaiting the same rejection for as long as the view lasts.
   */
  private open(id?: string): Promise<ThreadHandle> {
    const p = this.client.openThread(id);
    this.opening = p;
    p.catch(() => {
      if (this.opening === p) this.opening = null;
    });
    return p;
  }

  private markRead(): void {
    const h = this.handle;
    if (h && h.unread > 0) h.markRead();
    const id = this.snap.threadId;
    const total = this.snap.threads.reduce((n, t) => n + (t.id === id ? 0 : t.unread), 0);
    if (h) this.set({ unread: Math.min(this.snap.unread, total) });
  }

  async send(text: string): Promise<void> {
    const body = text.trim();
    if (!body) return;
    let h = this.handle;
    let metadata: Record<string, string> | undefined;
    if (!h) {
      h = await (this.opening ?? this.open());
      this.handle = h;
      this.set({ threadId: h.id });
      if (this.preChat) metadata = this.preChat;
    }
    h.send(body, metadata ? { metadata } : undefined);
    this.syncMessages();
  }

  retry(clientId: string): void {
    this.handle?.retry(clientId);
    this.syncMessages();
  }

  setTyping(on: boolean): void {
    this.handle?.setTyping(on);
  }

  async loadOlder(): Promise<void> {
    const h = this.handle;
    if (!h || !h.hasMoreOlder || this.snap.fetching) return;
    this.set({ fetching: true });
    try {
      await h.loadOlder();
    } finally {
      this.set({ fetching: false });
      this.syncMessages();
    }
  }
}
