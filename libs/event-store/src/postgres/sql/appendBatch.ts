import type { Pool, PoolClient } from 'pg';
import { isConnectionError } from '@touchline/database';
import type { EventToAppend, ExpectedRevision } from '../../event-store.port';

/** One caller's append: its events, its expected revision, and their digests. */
export interface AppendRequest {
  streamId: string;
  events: EventToAppend[];
  expectedRevision: ExpectedRevision;
  contentDigests: Buffer[];
  recordDigests: Buffer[];
}

export interface AppendBatchRow {
  out_req: number | null;
  out_status: 'appended' | 'duplicate' | 'wrong_expected_revision' | 'event_id_conflict';
  out_event_id: string | null;
  out_revision: string | null;
  out_tx: string | null;
  out_position: string | null;
  out_head: string | null;
}

function expectedCode(expected: ExpectedRevision): number {
  switch (expected) {
    case 'no_stream':
      return -1;
    case 'any':
      return -2;
    case 'stream_exists':
      return -3;
    default:
      return expected;
  }
}

/**
 * One group commit: all requests in one call of touchline.append_batch. On a pool the statement is
 * its own transaction; on a client it joins the client's open transaction (tests use that).
 */
export async function appendBatch(
  pool: Pool | PoolClient,
  requests: AppendRequest[],
): Promise<AppendBatchRow[]> {
  const streams = [...new Set(requests.map((r) => r.streamId))].sort();
  const streamIndex = new Map(streams.map((s, i) => [s, i + 1]));
  const reqStream: number[] = [];
  const reqExpected: number[] = [];
  const reqFirst: number[] = [];
  const reqCount: number[] = [];
  const ids: string[] = [];
  const types: string[] = [];
  const versions: number[] = [];
  const data: unknown[] = [];
  const metadata: unknown[] = [];
  const occurred: (Date | null)[] = [];
  const contentDigests: Buffer[] = [];
  const recordDigests: Buffer[] = [];
  for (const request of requests) {
    reqStream.push(streamIndex.get(request.streamId)!);
    reqExpected.push(expectedCode(request.expectedRevision));
    reqFirst.push(ids.length + 1);
    reqCount.push(request.events.length);
    request.events.forEach((event, i) => {
      ids.push(event.eventId);
      types.push(event.type);
      versions.push(event.version ?? 1);
      data.push(event.data);
      metadata.push(event.metadata ?? {});
      occurred.push(event.occurredAt ?? null);
      contentDigests.push(request.contentDigests[i]!);
      recordDigests.push(request.recordDigests[i]!);
    });
  }
  const { rows } = await pool.query<AppendBatchRow>(
    `SELECT * FROM touchline.append_batch($1::text[], $2::int[], $3::bigint[], $4::int[], $5::int[],
       $6::uuid[], $7::text[], $8::int[], $9::jsonb[], $10::jsonb[], $11::timestamptz[], $12::bytea[], $13::bytea[])`,
    [
      streams,
      reqStream,
      reqExpected,
      reqFirst,
      reqCount,
      ids,
      types,
      versions,
      data,
      metadata,
      occurred,
      contentDigests,
      recordDigests,
    ],
  );
  return rows;
}

const failed = (row: AppendBatchRow) =>
  row.out_status === 'wrong_expected_revision' || row.out_status === 'event_id_conflict';

/**
 * All or nothing: the batch in a transaction of its own, rolled back when any request failed its
 * check. The rows still say which one failed.
 */
export async function appendBatchAtomically(
  pool: Pool,
  requests: AppendRequest[],
): Promise<AppendBatchRow[]> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const rows = await appendBatch(client, requests);
    await client.query(rows.some(failed) ? 'ROLLBACK' : 'COMMIT');
    return rows;
  } catch (error) {
    if (isConnectionError(error)) broken = error as Error;
    else await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release(broken);
  }
}
