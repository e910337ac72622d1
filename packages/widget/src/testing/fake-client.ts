/** An in-memory ChatClient for unit tests and the dev harness: same events, no network. */
import type { Reason, State } from '@causette/sdk-web';
import type {
  ChatClient,
  ClientEvents,
  LocalMessage,
  Thread,
  ThreadHandle,
  WidgetSettings,
} from '../client.js';
import { createEmitter } from '../emitter.js';

let n = 0;
const id = (p: string) => `${p}${++n}`;

export class FakeClient implements ChatClient {
  state: State = 'idle';
  readonly events = createEmitter<ClientEvents>();
  readonly threads = new Map<string, { info: Thread; messages: LocalMessage[] }>();
  readonly sent: { threadId: string; text: string; metadata?: unknown }[] = [];
  readonly retried: string[] = [];
  settings: WidgetSettings = { name: 'Acme', greeting: 'Hi! Ask us anything.' };

  on<K extends keyof ClientEvents>(event: K, fn: (e: ClientEvents[K]) => void) {
    return this.events.on(event, fn);
  }
  private setState(next: State, reason: Reason) {
    const old = this.state;
    this.state = next;
    this.events.emit('state', { oldState: old, newState: next, reason });
  }
  connect() {
    this.setState('connected', 'welcome');
  }
  disconnect() {
    this.setState('closed', 'disconnect');
  }
  async identify() {}
  async logout() {}
  async getSettings() {
    return this.settings;
  }
  async listThreads() {
    return [...this.threads.values()].map((t) => t.info);
  }

  addThread(messages: Omit<LocalMessage, 'threadId'>[] = [], unread = 0): string {
    const tid = id('t');
    const ms = messages.map((m, i) => ({ ...m, threadId: tid, seq: i + 1 }));
    this.threads.set(tid, {
      info: {
        id: tid,
        status: 'open',
        lastSeq: ms.length,
        visitorReadSeq: 0,
        agentReadSeq: 0,
        unread,
        lastMessage: null,
        createdAt: 1,
        updatedAt: 1 + this.threads.size,
      },
      messages: ms,
    });
    return tid;
  }

  /** An agent reply arriving live. */
  reply(threadId: string, text: string, name = 'Ana') {
    const t = this.threads.get(threadId)!;
    const m: LocalMessage = {
      clientId: null,
      id: id('m'),
      seq: t.messages.length + 1,
      threadId,
      author: { kind: 'agent', name },
      text,
      ts: Date.now(),
      status: 'sent',
    };
    t.messages.push(m);
    t.info = { ...t.info, unread: t.info.unread + 1 };
    this.events.emit('message', { threadId, message: m });
    const total = [...this.threads.values()].reduce((a, x) => a + x.info.unread, 0);
    this.events.emit('unread', { threadId, count: t.info.unread, total });
  }

  /** `openThread` calls still to refuse (as the server refuses a `thread.open`). */
  openFailures = 0;

  async openThread(threadId?: string): Promise<ThreadHandle> {
    if (this.openFailures > 0) {
      this.openFailures -= 1;
      throw Object.assign(new Error('too many frames; slow down'), { code: 'rate_limited' });
    }
    const tid = threadId ?? this.addThread();
    const t = this.threads.get(tid)!;
    const events = this.events;
    const sent = this.sent;
    return {
      id: tid,
      get info() {
        return t.info;
      },
      get messages() {
        return t.messages;
      },
      hasMoreOlder: false,
      get unread() {
        return t.info.unread;
      },
      loadOlder: async () => {},
      send(text, opts) {
        const m: LocalMessage = {
          clientId: id('c'),
          threadId: tid,
          author: { kind: 'visitor' },
          text,
          ts: Date.now(),
          status: 'pending',
        };
        t.messages.push(m);
        sent.push({ threadId: tid, text, metadata: opts?.metadata });
        return m;
      },
      retry: (clientId) => void this.retried.push(clientId),
      markRead() {
        t.info = { ...t.info, unread: 0 };
        events.emit('unread', { threadId: tid, count: 0, total: 0 });
      },
      setTyping() {},
    };
  }
}
