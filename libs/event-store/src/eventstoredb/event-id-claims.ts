import {
  FORWARDS,
  NO_STREAM,
  START,
  WrongExpectedVersionError,
  jsonEvent,
  type EventStoreDBClient,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { CLAIM_STREAM_PREFIX } from './event-envelope';
import { readEventAt, readEvents, readHead } from './read-stream';

/**
 * The index by event id that EventStoreDB lacks, so that an event id means one event forever
 * (its own deduplication only recognises a retry at the same position, or within a cache window).
 *
 * Each event id owns a stream `tl-eventid-<eventId>` of claims. Before an append, every new event
 * is claimed there with an exact expected revision of the claim stream (NO_STREAM the first time):
 * a stream name plus an optimistic write is EventStoreDB's unique constraint. A claim records
 * where the event will land: the target stream, its content digest, the exact expected revision
 * of the append (the adapter always sends one), hence the event's own revision. Only then is the
 * batch appended to its stream.
 *
 * EventStoreDB (before KurrentDB 25.1's multi-stream append, which @eventstore/db-client v6 does
 * not offer) cannot write the claim and the event atomically, so a claim is a promise, and the
 * target stream is the truth. For the latest claim c of event X, with h the head of c's stream:
 * - X is at c.revision (or at the place of an earlier claim): X is stored; a retry compares the
 *   stream and digest: duplicate, or conflict.
 * - otherwise h > c.expected: c's append can never land (revisions are immutable, the stream has
 *   moved past the revision it expected): the claim is dead and the id is free again.
 * - otherwise h = c.expected: c's append may still land (in flight, or its writer died between
 *   claim and append). Only a writer with the same stream and content may claim X again, and it
 *   must append at that same expected revision, so at most one of the two batches can land.
 *   Other content gets EventIdConflictError, as it would if the first append had committed.
 *
 * The order of the reads is what makes these verdicts safe without a transaction. The head of the
 * stream appended to is read first, then the claims, then the places they point at: an event that
 * already counts in that head was claimed before it landed, so it is seen stored; "not there, and
 * the stream had moved past" cannot be contradicted by a landing after the head was read. A claim
 * made after that head was read (expecting a later revision) makes the whole view stale: the
 * append looks again rather than judge it.
 *
 * Trade-offs, against the PostgreSQL adapter:
 * - Every new event costs a claim (an extra event in an extra stream, ~doubling the events in
 *   $all, all of them hidden from readers by type and stream name) and every append a few more
 *   round trips: one head read, claim-log reads and claim writes (in parallel), the append, and
 *   a read-back for the exact log position of each new event.
 * - A claim whose append failed is only known dead once its stream moves on. Until then the id
 *   is held for that exact content: the same append retried succeeds, different content for the
 *   same id gets a conflict even though nothing was stored. Producers that reuse an id for new
 *   content are wrong anyway; the window only exists when an append dies mid-way.
 * - Customer streams must never be deleted or truncated ($tb, $maxCount, $maxAge): the verdicts
 *   above rely on a stream's head never going back. Erasure here is crypto-shredding, not deletion.
 */
export const CLAIM_TYPE = '$touchline.event-id-claimed';

export interface Claim {
  streamId: string;
  contentDigest: string;
  /** The revision the append expected its stream to be at; -1 for no stream. */
  expectedRevision: number;
  /** The revision the event takes if that append lands. */
  revision: number;
}

export interface ClaimLog {
  claims: Claim[];
  /** Revision of the claim stream's last event; null when the id was never claimed. */
  last: bigint | null;
}

export type EventIdState =
  | { kind: 'stored'; event: EsdbRecordedEvent }
  | { kind: 'free'; log: ClaimLog }
  | { kind: 'pending'; claim: Claim; log: ClaimLog }
  /** Claimed by a writer that saw a later head than this view: look again. */
  | { kind: 'stale'; claim: Claim };

export function claimStreamOf(eventId: string): string {
  return `${CLAIM_STREAM_PREFIX}${eventId}`;
}

/**
 * The state of each event id of an append to `streamId`, and the head of that stream the verdicts
 * rest on. `headHint` is a head observed since the last look (by a failed append), saving a read.
 */
export async function resolveEventIds(
  client: EventStoreDBClient,
  streamId: string,
  eventIds: string[],
  headHint?: number,
): Promise<{ head: number; states: EventIdState[] }> {
  const head = headHint ?? (await readHead(client, streamId));
  const logs = await Promise.all(eventIds.map((id) => readClaimLog(client, id)));
  const others = new Set(logs.flatMap((log) => log.claims.slice(-1).map((c) => c.streamId)));
  others.delete(streamId);
  const heads = new Map([
    [streamId, head],
    ...(await Promise.all([...others].map(async (s) => [s, await readHead(client, s)] as const))),
  ]);
  const states = await Promise.all(
    logs.map((log, i) => stateOf(client, streamId, eventIds[i]!, log, heads)),
  );
  return { head, states };
}

/** False when another writer claimed the id since `log` was read. */
export async function writeClaim(
  client: EventStoreDBClient,
  eventId: string,
  claim: Claim,
  log: ClaimLog,
): Promise<boolean> {
  try {
    await client.appendToStream(
      claimStreamOf(eventId),
      jsonEvent({ type: CLAIM_TYPE, data: { ...claim } }),
      {
        expectedRevision: log.last ?? NO_STREAM,
      },
    );
    return true;
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) return false;
    throw error;
  }
}

async function readClaimLog(client: EventStoreDBClient, eventId: string): Promise<ClaimLog> {
  const events = await readEvents(client, claimStreamOf(eventId), {
    direction: FORWARDS,
    fromRevision: START,
  });
  const claims = events
    .filter((e) => e.type === CLAIM_TYPE && isClaim(e.data))
    .map((e) => e.data as unknown as Claim);
  return { claims, last: events.length > 0 ? events[events.length - 1]!.revision : null };
}

async function stateOf(
  client: EventStoreDBClient,
  streamId: string,
  eventId: string,
  log: ClaimLog,
  heads: Map<string, number>,
): Promise<EventIdState> {
  const latest = log.claims.at(-1);
  if (!latest) return { kind: 'free', log };
  // Any claim may be the one that landed: a takeover leaves two claims racing for one place.
  const places = new Map(log.claims.map((c) => [`${c.revision}@${c.streamId}`, c]));
  const found = await Promise.all(
    [...places.values()].map((c) => readEventAt(client, c.streamId, c.revision)),
  );
  const stored = found.find((e) => e !== null && e.id.toLowerCase() === eventId);
  if (stored) return { kind: 'stored', event: stored };
  const head = heads.get(latest.streamId)!;
  if (head > latest.expectedRevision) return { kind: 'free', log };
  if (head < latest.expectedRevision) {
    if (latest.streamId === streamId) return { kind: 'stale', claim: latest };
    // Read after the claim, this head can only be behind it if the stream went back.
    throw new Error(
      `Stream ${latest.streamId} is at revision ${head}, behind the claim of event ${eventId} (expected ${latest.expectedRevision}): was it deleted or truncated?`,
    );
  }
  return { kind: 'pending', claim: latest, log };
}

function isClaim(data: unknown): boolean {
  const c = data as Partial<Claim> | null;
  return (
    c !== null &&
    typeof c === 'object' &&
    typeof c.streamId === 'string' &&
    typeof c.contentDigest === 'string' &&
    Number.isInteger(c.expectedRevision) &&
    Number.isInteger(c.revision)
  );
}
