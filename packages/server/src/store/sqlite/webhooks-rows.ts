/** Rows of the webhook tables and their explicit mapping to records (used by webhooks-store.ts). */
import { WEBHOOK_TEST_EVENT, type DeliveryStatus } from '@causette/shared';
import type { DeliveryRecord, EndpointRecord } from '../webhooks.js';
import type { webhookEndpoints } from './schema.js';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;

export function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export const toEndpoint = (r: EndpointRow): EndpointRecord => ({
  id: r.id,
  appId: r.appId,
  url: r.url,
  description: r.description,
  events: parseJson<string[]>(r.events, ['*']),
  secret: r.secret,
  prevSecret: r.prevSecret,
  prevSecretExpiresAt: r.prevSecretExpiresAt,
  enabled: r.enabled,
  disabledReason: r.disabledReason,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export interface DeliveryRaw {
  id: string;
  app_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export const toDelivery = (r: DeliveryRaw): DeliveryRecord => ({
  id: r.id,
  appId: r.app_id,
  endpointId: r.endpoint_id,
  eventId: r.event_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const DELIVERY_COLS = `d.id, d.app_id, d.endpoint_id, d.event_id, o.type AS event_type, d.status,
  d.attempts, d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.updated_at`;

/** Does an endpoint's filter take this event type? Test pings are never fanned out. */
export const subscribes = (events: string[], type: string) =>
  type !== WEBHOOK_TEST_EVENT && (events.includes('*') || events.includes(type));

/** Most events a range replay queues in one call. */
export const MAX_REPLAY = 10_000;
