/** Records -> REST resources of the bridge, field by field (never a row cast to a resource). */
import type {
  ApiKeyResource,
  ContactResource,
  DeliveryResource,
  EndpointResource,
  SettingsResource,
  ThreadResource,
} from '@causette/shared';
import type { AdminThread, ApiKeyRecord, AppRecord, ContactRecord } from '../store/store.js';
import type { DeliveryRecord, EndpointRecord } from '../store/webhooks.js';
import { iso, isoOrNull } from './bridge-util.js';
import { publicKeyOf, schemeOf } from '../webhooks/signing.js';

export function threadResource(t: AdminThread): ThreadResource {
  return {
    id: t.id,
    contactId: t.contactId,
    status: t.status,
    assignee: t.assignee,
    tags: t.tags,
    lastSeq: t.lastSeq,
    visitorReadSeq: t.visitorReadSeq,
    agentReadSeq: t.agentReadSeq,
    lastMessage: t.lastMessage,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
  };
}

type Attr = ContactResource['attributes'][string];
const isAttr = (x: unknown): x is Attr =>
  x === null || ['string', 'number', 'boolean'].includes(typeof x);

export function contactResource(c: ContactRecord): ContactResource {
  const attributes: Record<string, Attr> = {};
  for (const [k, val] of Object.entries(c.attributes)) if (isAttr(val)) attributes[k] = val;
  return {
    id: c.id,
    externalId: c.externalId,
    name: c.name,
    email: c.email,
    attributes,
    identified: c.externalId !== null,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

export function settingsResource(a: AppRecord): SettingsResource {
  return {
    appId: a.id,
    name: a.name,
    greeting: a.settings.greeting,
    awayMessage: a.settings.awayMessage,
    expectedReplyTime: a.settings.expectedReplyTime,
    preChatForm: a.settings.preChatForm,
    allowedOrigins: a.allowedOrigins,
  };
}

export function apiKeyResource(k: ApiKeyRecord): ApiKeyResource {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    createdAt: iso(k.createdAt),
    revokedAt: isoOrNull(k.revokedAt),
  };
}

export function endpointResource(e: EndpointRecord, now = Date.now()): EndpointResource {
  const overlap = e.prevSecret !== null && (e.prevSecretExpiresAt ?? 0) > now;
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    description: e.description,
    enabled: e.enabled,
    signatureScheme: schemeOf(e.secret),
    publicKey: publicKeyOf(e.secret),
    disabledReason: e.disabledReason,
    previousSecretExpiresAt: overlap ? isoOrNull(e.prevSecretExpiresAt) : null,
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
  };
}

export function deliveryResource(d: DeliveryRecord): DeliveryResource {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? isoOrNull(d.nextAttemptAt) : null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
  };
}
