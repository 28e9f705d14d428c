import type { RecordedEvent } from '@touchline/event-store';
import { defineProjection, type EvolveContext } from '@touchline/projections';
import type { JourneyEvent, Severity } from '@touchline/touchpoints';
import { IDENTITY_EVENT_TYPES, journeyIdentity } from '../projections/identity';
import { customerOfStream, readJourneyEvent } from '../projections/journey-event';

export const COMPLAINT_CASE = 'complaint_case';

export const COMPLAINT_EVENT_TYPES = [
  'complaint.opened',
  'complaint.responded',
  'complaint.resolved',
  'complaint.reopened',
] as const;

export type ComplaintState = 'open' | 'resolved';

/**
 * One row per complaint, key = the producer's complaintId. Times are the producers' (occurredAt,
 * UTC). Events of a complaint whose `complaint.opened` is missing (or comes later in the log) still
 * build the row: openedAt stays null until the opening arrives, and such a case is left out of the
 * service levels, which select by opening time.
 */
export type ComplaintCaseRow = {
  complaintId: string;
  /** The stream the opening (else the first event) came on: `customer-<id>` or `anonymous-<id>`. */
  streamId: string;
  customerId: string | null;
  anonymousId: string | null;
  /**
   * The stream the complaint's events count for now (identity: the customer who linked the
   * anonymous stream, the survivor of a merge; else streamId), and its customer (null for an
   * anonymous visitor no customer has claimed). complaint_followup's row has this key.
   */
  canonicalStreamId: string;
  canonicalCustomerId: string | null;
  /** As opened; corrected by a later event that carries one. */
  category: string | null;
  severity: Severity | null;
  /** The channel the complaint was opened in. */
  channel: string | null;
  openedAt: string | null;
  /** The earliest complaint.responded. */
  firstResponseAt: string | null;
  responses: number;
  /** The first time the complaint was resolved. */
  firstResolvedAt: string | null;
  /** The latest resolution (the one that counts while the state is resolved). */
  resolvedAt: string | null;
  resolution: string | null;
  reopenedCount: number;
  lastReopenedAt: string | null;
  state: ComplaintState;
};

type ComplaintData = { complaintId: string; category?: string; severity?: Severity };

function complaintOf(event: RecordedEvent): ComplaintData {
  const data = event.data as { complaintId?: unknown };
  if (typeof data.complaintId !== 'string' || data.complaintId.length === 0) {
    throw new TypeError(`${event.type} ${event.eventId} has no complaintId`);
  }
  return event.data as unknown as ComplaintData;
}

const earlier = (a: string | null, b: string): string => (a === null || b < a ? b : a);

function emptyCase(e: JourneyEvent, complaintId: string, streamId: string): ComplaintCaseRow {
  return {
    complaintId,
    streamId,
    customerId: e.customerId ?? null,
    anonymousId: e.anonymousId ?? null,
    canonicalStreamId: streamId,
    canonicalCustomerId: customerOfStream(streamId),
    category: null,
    severity: null,
    channel: null,
    openedAt: null,
    firstResponseAt: null,
    responses: 0,
    firstResolvedAt: null,
    resolvedAt: null,
    resolution: null,
    reopenedCount: 0,
    lastReopenedAt: null,
    state: 'open',
  };
}

export function evolveComplaintCase(
  row: ComplaintCaseRow | null,
  event: RecordedEvent,
  context: EvolveContext = { key: complaintOf(event).complaintId, canonical: event.streamId },
): ComplaintCaseRow {
  const e = readJourneyEvent(event);
  const data = complaintOf(event);
  const current = row ?? emptyCase(e, data.complaintId, event.streamId);
  // Every event of the group is folded again when a link moves it, so the latest one's canonical
  // stream is the group's.
  const corrected: ComplaintCaseRow = {
    ...current,
    canonicalStreamId: context.canonical,
    canonicalCustomerId: customerOfStream(context.canonical),
    category: data.category ?? current.category,
    severity: data.severity ?? current.severity,
  };
  switch (e.type) {
    case 'complaint.opened':
      return {
        ...corrected,
        // A late opening names the complaint's owner; a repeated one keeps the first.
        streamId: current.openedAt === null ? event.streamId : current.streamId,
        customerId: current.openedAt === null ? (e.customerId ?? null) : current.customerId,
        anonymousId: current.openedAt === null ? (e.anonymousId ?? null) : current.anonymousId,
        channel: current.openedAt === null ? e.channel : current.channel,
        openedAt: earlier(current.openedAt, e.occurredAt),
      };
    case 'complaint.responded':
      return {
        ...corrected,
        firstResponseAt: earlier(current.firstResponseAt, e.occurredAt),
        responses: current.responses + 1,
      };
    case 'complaint.resolved':
      return {
        ...corrected,
        firstResolvedAt: earlier(current.firstResolvedAt, e.occurredAt),
        resolvedAt: e.occurredAt,
        resolution: (e.data as { resolution: string }).resolution,
        state: 'resolved',
      };
    case 'complaint.reopened':
      return {
        ...corrected,
        reopenedCount: current.reopenedCount + 1,
        lastReopenedAt: e.occurredAt,
        state: 'open',
      };
    default:
      throw new TypeError(`complaint_case does not handle ${e.type}`);
  }
}

const IDENTITY_TYPES = new Set(IDENTITY_EVENT_TYPES);

export const complaintCaseProjection = defineProjection<ComplaintCaseRow>({
  name: COMPLAINT_CASE,
  // 2: identity-aware, rows carry canonicalStreamId / canonicalCustomerId (the rebuild adds them).
  version: 2,
  handles: [...COMPLAINT_EVENT_TYPES, ...IDENTITY_EVENT_TYPES],
  identity: journeyIdentity,
  rowKey: (event) => (IDENTITY_TYPES.has(event.type) ? null : complaintOf(event).complaintId),
  evolve: evolveComplaintCase,
  onPoison: 'dead-letter',
});
