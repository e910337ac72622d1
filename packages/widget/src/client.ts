/**
 * The part of the @causette/sdk-web client the widget uses: the SDK's own types, narrowed to
 * what the UI calls, so the model can be driven by the real client or by a fake in tests.
 */
import type { CausetteClient } from '@causette/sdk-web';

export type { ClientEvents, LocalMessage, Thread, ThreadHandle } from '@causette/sdk-web';

/** A pre-chat field: a known name ("name", "email") or a described one. */
export interface PreChatField {
  name: string;
  label?: string;
  required?: boolean;
  type?: string;
}

/** The app's public settings (`client.getSettings()`); every field optional for safety. */
export interface WidgetSettings {
  appId?: string;
  name?: string | null;
  greeting?: string | null;
  awayMessage?: string | null;
  /** False while agents are available (office hours): the away message is then not shown. */
  away?: boolean;
  expectedReplyTime?: string | null;
  preChatForm?: { enabled: boolean; fields?: readonly unknown[] } | null;
}

export type ChatClient = Pick<
  CausetteClient,
  'state' | 'connect' | 'disconnect' | 'identify' | 'logout' | 'listThreads' | 'openThread' | 'on'
> & { getSettings(): Promise<WidgetSettings> };
