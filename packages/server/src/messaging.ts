/** Posting a message, whoever sends it: group-committed, then fanned out on the bus. */
import type { Author, Metadata } from '@causette/shared';
import type { Bus } from './bus/bus.js';
import type { AppendResult, Store } from './store/store.js';
import type { MessageWriter } from './realtime/message-writer.js';

export interface PostInput {
  appId: string;
  contactId: string;
  threadId: string;
  clientId: string | null;
  author: Author;
  text: string;
  metadata?: Metadata | undefined;
  /** Connection that sent it: it gets an ack instead of the broadcast. */
  originId?: string;
}

export class Messaging {
  constructor(
    private readonly writer: MessageWriter,
    private readonly bus: Bus,
    private readonly store: Store,
  ) {}

  async post(p: PostInput): Promise<AppendResult> {
    const input = {
      appId: p.appId,
      threadId: p.threadId,
      clientId: p.clientId,
      author: p.author,
      text: p.text,
      ts: Date.now(),
      ...(p.metadata === undefined ? {} : { metadata: p.metadata }),
    };
    const r = await this.writer.enqueue(input);
    if (r.ok && !r.duplicate) {
      this.bus.publish({
        type: 'message',
        appId: p.appId,
        contactId: p.contactId,
        message: r.message,
        ...(p.originId === undefined ? {} : { originId: p.originId }),
      });
      // The visitor's other tabs (and any live view) learn that the thread is open again.
      if (r.reopened) {
        const thread = await this.store.threadView(p.appId, p.threadId);
        if (thread)
          this.bus.publish({ type: 'thread', appId: p.appId, contactId: p.contactId, thread });
      }
    }
    return r;
  }
}
