/**
 * The webhook half of the storage contract: endpoints, per-endpoint deliveries (the durable
 * retry state) and the attempt log. The dispatcher only talks to this interface.
 */
import type { DeliveryStatus } from '@causette/shared';

/** An event written to the transactional outbox in the same transaction as its cause. */
export interface OutboxEvent {
  id: string;
  appId: string;
  type: string;
  payload: unknown;
  createdAt: number;
}

export interface EndpointRecord {
  id: string;
  appId: string;
  url: string;
  description: string;
  /** Event types, or `['*']`. */
  events: string[];
  secret: string;
  prevSecret: string | null;
  prevSecretExpiresAt: number | null;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: number;
  updatedAt: number;
}

export type EndpointPatch = Partial<
  Pick<
    EndpointRecord,
    | 'url'
    | 'events'
    | 'description'
    | 'enabled'
    | 'secret'
    | 'prevSecret'
    | 'prevSecretExpiresAt'
    | 'disabledReason'
  >
>;

export interface DeliveryRecord {
  id: string;
  appId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface AttemptRecord {
  n: number;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

/** A claimed delivery with everything needed to send it. */
export interface DeliveryJob {
  delivery: DeliveryRecord;
  endpoint: EndpointRecord;
  event: OutboxEvent;
}

/** What one attempt changed: logged, and the delivery moved to its next state atomically. */
export interface AttemptOutcome extends AttemptRecord {
  deliveryId: string;
  endpointId: string;
  next: { status: 'succeeded' } | { status: 'dead' } | { status: 'pending'; at: number };
  /**
   * The lease this attempt ran under (the delivery's `nextAttemptAt` as claimed). The delivery
   * moves to `next` only if it still holds that lease: a replay or a later claim meanwhile wins.
   */
  leasedUntil: number | null;
  /** Disable the endpoint with this reason (a 410 answer). */
  disableEndpoint?: string;
}

export interface ClaimOptions {
  /** At most this many deliveries of one endpoint per claim. */
  perEndpoint?: number;
  /** Endpoints to skip (their attempts in flight already fill their share). */
  exclude?: string[];
}

/** Where the next retention step starts: the last rowid looked at in each table. */
export interface PruneCursor {
  delivery: number;
  event: number;
}

export interface PruneStep {
  /** Deliveries deleted (with their attempts) and outbox events deleted in this step. */
  deliveries: number;
  events: number;
  /** null when both tables were read up to the cut-off. */
  next: PruneCursor | null;
}

export type ReplaySelection = { eventId: string } | { since: number; until: number };

export interface WebhookStore {
  createEndpoint(e: EndpointRecord): Promise<void>;
  listEndpoints(appId: string): Promise<EndpointRecord[]>;
  getEndpoint(appId: string, endpointId: string): Promise<EndpointRecord | null>;
  updateEndpoint(
    appId: string,
    endpointId: string,
    patch: EndpointPatch,
  ): Promise<EndpointRecord | null>;
  /** Deletes the endpoint with its deliveries and attempt log. */
  deleteEndpoint(appId: string, endpointId: string): Promise<boolean>;

  /**
   * Turn outbox events not yet fanned out into one pending delivery per enabled endpoint
   * whose filter matches, and mark them, in one transaction. Returns the events handled.
   * Events go to the endpoints enabled when they are fanned out: while no endpoint is enabled
   * anywhere this writes nothing (no cost for servers without webhooks), and creating or
   * enabling an endpoint first fans out what is pending, so it never receives older events.
   */
  fanOut(now: number, limit: number): Promise<number>;
  /**
   * Due deliveries of enabled endpoints, each leased (its due time pushed `leaseMs` ahead) so
   * a crash mid-attempt only delays it and no second worker sends it at the same time.
   */
  claimDue(
    now: number,
    limit: number,
    leaseMs: number,
    opts?: ClaimOptions,
  ): Promise<DeliveryJob[]>;
  /** Log attempts and move their deliveries to the next state, in one transaction. */
  recordAttempts(os: AttemptOutcome[]): Promise<void>;
  /** Earliest due time among pending deliveries of enabled endpoints (null when none). */
  nextDueAt(): Promise<number | null>;
  /**
   * One bounded step of the log's retention: deletes finished (succeeded or dead) deliveries
   * last updated before `before` with their attempts, and fanned-out outbox events created
   * before it that no delivery refers to. Pending deliveries and messages are never deleted.
   * Call again with `next` until it is null.
   */
  pruneWebhookLog(before: number, limit: number, from?: PruneCursor): Promise<PruneStep>;

  listDeliveries(
    appId: string,
    endpointId: string,
    q: { status?: DeliveryStatus; after?: { createdAt: number; id: string }; limit: number },
  ): Promise<DeliveryRecord[]>;
  getDelivery(
    appId: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<{ delivery: DeliveryRecord; payload: unknown; attempts: AttemptRecord[] } | null>;
  /**
   * Queue one event, or every event of the app in [since, until) that the endpoint's filter
   * matches, for a new round of attempts (same event id, so the same `webhook-id`).
   */
  replay(appId: string, endpointId: string, sel: ReplaySelection, now: number): Promise<number>;
  /** A `webhook.test` event delivered to this endpoint only. */
  createTestEvent(
    appId: string,
    endpointId: string,
    now: number,
  ): Promise<{ eventId: string; deliveryId: string }>;
}
