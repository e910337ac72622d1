/** Explicit mapping from SQLite rows to wire objects (never a cast of a row to a frame). */
import type { Message, Metadata } from '@causette/shared';
import type { AppRecord, AppSettings, ContactRecord, ThreadRecord } from '../store.js';
import type { apps, contacts, messages, threads } from './schema.js';

export const DEFAULT_SETTINGS: AppSettings = {
  greeting: 'Hi there! Ask us anything — we usually reply within a few minutes.',
  awayMessage: "We're away right now. Leave a message and we'll get back to you by email.",
  expectedReplyTime: 'a few minutes',
  preChatForm: { enabled: false, fields: [] },
};

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function toMessage(r: typeof messages.$inferSelect): Message {
  const author: Message['author'] = { kind: r.authorKind };
  if (r.authorId !== null) author.id = r.authorId;
  if (r.authorName !== null) author.name = r.authorName;
  if (r.authorAvatar !== null) author.avatarUrl = r.authorAvatar;
  const m: Message = {
    id: r.id,
    threadId: r.threadId,
    seq: r.seq,
    clientId: r.clientId,
    author,
    text: r.text,
    ts: r.createdAt,
  };
  if (r.metadata !== null) m.metadata = parseJson<Metadata>(r.metadata, {});
  return m;
}

/** A `messages` row as better-sqlite3 returns it from raw SQL (snake_case columns). */
export interface RawRow {
  id: string;
  thread_id: string;
  seq: number;
  client_id: string | null;
  author_kind: (typeof messages.$inferSelect)['authorKind'];
  author_id: string | null;
  author_name: string | null;
  author_avatar: string | null;
  text: string;
  metadata: string | null;
  created_at: number;
}

export const fromRaw = (r: RawRow): Message =>
  toMessage({
    id: r.id,
    threadId: r.thread_id,
    seq: r.seq,
    clientId: r.client_id,
    authorKind: r.author_kind,
    authorId: r.author_id,
    authorName: r.author_name,
    authorAvatar: r.author_avatar,
    text: r.text,
    metadata: r.metadata,
    createdAt: r.created_at,
  });

export function toApp(r: typeof apps.$inferSelect): AppRecord {
  return {
    id: r.id,
    name: r.name,
    identitySecret: r.identitySecret,
    allowedOrigins: parseJson<string[]>(r.allowedOrigins, []),
    settings: { ...DEFAULT_SETTINGS, ...parseJson<Partial<AppSettings>>(r.settings, {}) },
    createdAt: r.createdAt,
  };
}

export function toContact(r: typeof contacts.$inferSelect): ContactRecord {
  return {
    id: r.id,
    appId: r.appId,
    externalId: r.externalId,
    name: r.name,
    email: r.email,
    attributes: parseJson<Record<string, unknown>>(r.attributes, {}),
    mergedInto: r.mergedInto,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function toThread(r: typeof threads.$inferSelect): ThreadRecord {
  return {
    id: r.id,
    appId: r.appId,
    contactId: r.contactId,
    status: r.status,
    assignee: r.assignee,
    tags: parseJson<string[]>(r.tags, []),
    lastSeq: r.lastSeq,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
