/** Posting a message, whoever sends it: group-committed, then fanned out on the bus. */
import type { Author, Metadata } from '@causette/shared';
import type { Bus } from './bus/bus.js';
import type { AppendResult } from './store/store.js';
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
  ) {}

  async post(p: PostInput): Promise<AppendResult> {
    const input = {
      appId: p.appId,
      contactId: p.contactId,
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
    }
    return r;
  }
}
