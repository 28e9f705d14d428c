import { randomUUID } from 'node:crypto';
import type { EventStore, JsonObject, JsonValue, RecordedEvent } from '@touchline/event-store';
import type { StreamHeads } from '../verify-chain/stream-heads.port';

/** One stream for every operations action: it is hash-chained and verified like any other. */
export const OPS_AUDIT_STREAM = 'ops-audit';
export const OPS_ACTION_EVENT_TYPE = 'ops.action';

/** Who acted: an API key (HTTP) or the operating-system user running the CLI. */
export type OpsActor =
  { kind: 'api_key'; id: string } | { kind: 'cli_user'; id: string; host?: string };

/** Erasure, merge, rebuild and key rotation add their names here. */
export type OpsAction =
  | 'journey.replay'
  | 'chain.verify'
  | 'store.verify'
  | 'audit.list'
  | 'customer.merge'
  | 'customer.unmerge'
  | 'customer.erase'
  | 'customer.export'
  | 'customer.personal.read'
  | 'keys.rotate'
  | 'projections.rebuild';

/**
 * succeeded: the action ran to its end (a verification that found a broken chain succeeded: its
 * finding is in the detail); not_found: there was nothing to act on; refused: the state did not
 * allow it and nothing was done (a merge of a customer already merged); failed: it threw.
 */
export type OpsOutcome = 'succeeded' | 'not_found' | 'refused' | 'failed';

export interface OpsActionRecord {
  actor: OpsActor;
  action: OpsAction;
  /** What it acted on: a customer id, a stream, or null for the whole store. */
  target: string | null;
  outcome: OpsOutcome;
  detail?: JsonObject;
  startedAt: Date;
  durationMs: number;
}

/** An entry as read back; action and outcome as written (entries outlive code versions). */
export interface AuditEntry extends Omit<OpsActionRecord, 'action' | 'outcome'> {
  action: string;
  outcome: string;
  revision: number;
  eventId: string;
  recordedAt: Date;
}

export interface AuditPage {
  /** Newest first. */
  entries: AuditEntry[];
  /** Pass as `before` for the next, older page; null when this page reaches the first entry. */
  nextBefore: number | null;
}

export interface ListAuditOptions {
  /** Default 50. */
  limit?: number;
  /** Only entries below this revision of the audit stream (a page's nextBefore). */
  before?: number;
  heads?: StreamHeads | null;
}

/**
 * Appends one action to the audit stream. Expected revision 'any': actions from many API nodes
 * and CLI runs interleave, and an audit entry never depends on the ones before it.
 */
export async function recordOpsAction(store: EventStore, record: OpsActionRecord): Promise<void> {
  const data: JsonObject = {
    actor: { ...record.actor },
    action: record.action,
    target: record.target,
    outcome: record.outcome,
    startedAt: record.startedAt.toISOString(),
    durationMs: record.durationMs,
  };
  if (record.detail) data.detail = record.detail;
  await store.appendToStream(
    OPS_AUDIT_STREAM,
    [
      {
        eventId: randomUUID(),
        type: OPS_ACTION_EVENT_TYPE,
        data,
        metadata: { source: record.actor.kind === 'cli_user' ? 'touchline-cli' : 'touchline-api' },
        occurredAt: record.startedAt,
      },
    ],
    'any',
  );
}

/** A page of the audit trail, newest first. */
export async function listAudit(
  store: EventStore,
  { limit = 50, before, heads }: ListAuditOptions = {},
): Promise<AuditPage> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new TypeError('limit must be a positive integer');
  const last = await lastRevision(store, OPS_AUDIT_STREAM, heads ?? null);
  const end = before === undefined ? last : Math.min(before - 1, last);
  if (end < 0) return { entries: [], nextBefore: null };
  const start = Math.max(0, end - limit + 1);
  const events = await store.readStream(OPS_AUDIT_STREAM, { fromRevision: start, toRevision: end });
  return {
    entries: events.reverse().map(toEntry),
    nextBefore: start > 0 ? start : null,
  };
}

/**
 * The revision of the stream's last event. The port cannot read backwards, so without the
 * store's heads it probes single revisions: doubling, then bisecting (about 2·log2(n) reads).
 */
async function lastRevision(
  store: EventStore,
  streamId: string,
  heads: StreamHeads | null,
): Promise<number> {
  if (heads) return (await heads.head(streamId))?.revision ?? -1;
  const exists = async (revision: number) =>
    (await store.readStream(streamId, { fromRevision: revision, toRevision: revision })).length > 0;
  if (!(await exists(0))) return -1;
  let present = 0;
  let absent = 1;
  while (await exists(absent)) {
    present = absent;
    absent *= 2;
  }
  while (absent - present > 1) {
    const mid = present + Math.floor((absent - present) / 2);
    if (await exists(mid)) present = mid;
    else absent = mid;
  }
  return present;
}

const text = (value: JsonValue | undefined): string | null =>
  typeof value === 'string' ? value : null;

/** Reads an entry defensively: the audit stream is read by auditors, whatever landed in it. */
function toEntry(event: RecordedEvent): AuditEntry {
  const data = event.data;
  const actor = (data.actor ?? {}) as JsonObject;
  const startedAt = text(data.startedAt);
  return {
    revision: event.revision,
    eventId: event.eventId,
    recordedAt: event.recordedAt,
    actor:
      actor.kind === 'cli_user'
        ? {
            kind: 'cli_user',
            id: text(actor.id) ?? 'unknown',
            ...(text(actor.host) ? { host: text(actor.host)! } : {}),
          }
        : { kind: 'api_key', id: text(actor.id) ?? 'unknown' },
    action: text(data.action) ?? event.type,
    target: text(data.target),
    outcome: text(data.outcome) ?? 'unknown',
    ...(data.detail && typeof data.detail === 'object' && !Array.isArray(data.detail)
      ? { detail: data.detail }
      : {}),
    startedAt: startedAt ? new Date(startedAt) : event.recordedAt,
    durationMs: typeof data.durationMs === 'number' ? data.durationMs : 0,
  };
}
