import { NO_STREAM, type ExpectedRevision as EsdbExpectedRevision } from '@eventstore/db-client';
import type { ExpectedRevision } from '../event-store.port';

/**
 * The caller's expectation checked against the stream's head (-1: no stream), and, when it holds,
 * the exact revision to send to EventStoreDB. 'any' and 'stream_exists' are never sent as the
 * client's ANY and STREAM_EXISTS: the event-id claims (event-id-claims.ts) must know the revision
 * each new event will take, and EventStoreDB guarantees its own idempotency only for an exact
 * expectation (with ANY it is best effort). The append then fails if the head moved meanwhile, and
 * the adapter re-reads and tries again, which for 'any' is what the caller asked for.
 */
export type PinnedRevision = { ok: true; send: EsdbExpectedRevision } | { ok: false };

export function pinExpectedRevision(expected: ExpectedRevision, head: number): PinnedRevision {
  const holds =
    expected === 'any' ||
    (expected === 'no_stream' && head === -1) ||
    (expected === 'stream_exists' && head >= 0) ||
    expected === head;
  if (!holds) return { ok: false };
  return { ok: true, send: head === -1 ? NO_STREAM : BigInt(head) };
}

/** The client's view of a stream's current revision, as the port counts it: -1 for no stream. */
export function headRevision(current: typeof NO_STREAM | bigint): number {
  return current === NO_STREAM ? -1 : Number(current);
}
