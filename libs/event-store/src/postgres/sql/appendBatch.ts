import type { Pool, PoolClient } from 'pg';
import { commit, inTransaction, isConnectionError, rollback } from '@touchline/database';
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

const APPEND_BATCH_SQL = `SELECT * FROM touchline.append_batch($1::text[], $2::int[], $3::bigint[], $4::int[],
  $5::uuid[], $6::jsonb, $7::bytea, $8::bytea)`;

/**
 * The statement is prepared once per connection (a named statement: no parse and plan per call).
 * Each client gets a name of its own, because a session can outlive the client that prepared in
 * it: PGlite is one session behind every connection, so a client opened after the pool dropped an
 * idle one would find the name taken.
 */
const statementNames = new WeakMap<PoolClient, string>();
let statements = 0;

function statementName(client: PoolClient): string {
  let name = statementNames.get(client);
  if (name === undefined) {
    name = `touchline_append_batch_${++statements}`;
    statementNames.set(client, name);
  }
  return name;
}

/**
 * One group commit: all requests in one call of touchline.append_batch. On a pool the statement is
 * its own transaction; on a client it joins the client's open transaction (tests use that).
 *
 * The events go as one JSON array (see migration 0002 for its shape) and the digests as two
 * binary parameters: PostgreSQL parses one document instead of an escaped array literal per field.
 */
export async function appendBatch(
  pool: Pool | PoolClient,
  requests: AppendRequest[],
): Promise<AppendBatchRow[]> {
  const streams = [...new Set(requests.map((r) => r.streamId))].sort();
  const streamIndex = new Map(streams.map((s, i) => [s, i + 1]));
  const reqStream: number[] = [];
  const reqExpected: number[] = [];
  const reqCount: number[] = [];
  const ids: string[] = [];
  const events: unknown[] = [];
  const contentDigests: Buffer[] = [];
  const recordDigests: Buffer[] = [];
  for (const request of requests) {
    reqStream.push(streamIndex.get(request.streamId)!);
    reqExpected.push(expectedCode(request.expectedRevision));
    reqCount.push(request.events.length);
    request.events.forEach((event, i) => {
      ids.push(event.eventId);
      events.push([
        event.type,
        event.version ?? 1,
        event.data,
        event.metadata ?? {},
        event.occurredAt?.toISOString() ?? null,
        event.personal?.ciphertext.toString('base64') ?? null,
        event.personal?.keyId ?? null,
      ]);
      contentDigests.push(digest(request.contentDigests[i]));
      recordDigests.push(digest(request.recordDigests[i]));
    });
  }
  const values = [
    streams,
    reqStream,
    reqExpected,
    reqCount,
    ids,
    JSON.stringify(events),
    Buffer.concat(contentDigests),
    Buffer.concat(recordDigests),
  ];
  if (isClient(pool)) return runAppendBatch(pool, values);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await runAppendBatch(client, values);
  } catch (error) {
    if (isConnectionError(error)) broken = error as Error;
    throw error;
  } finally {
    client.release(broken);
  }
}

const isClient = (db: Pool | PoolClient): db is PoolClient =>
  typeof (db as Partial<PoolClient>).release === 'function';

async function runAppendBatch(client: PoolClient, values: unknown[]): Promise<AppendBatchRow[]> {
  const { rows } = await client.query<AppendBatchRow>({
    name: statementName(client),
    text: APPEND_BATCH_SQL,
    values,
  });
  return rows;
}

/** append_batch cuts the digests out of one bytea, 32 bytes each. */
function digest(value: Buffer | undefined): Buffer {
  if (value?.length !== 32) throw new Error('A digest is a sha256: 32 bytes');
  return value;
}

const failed = (row: AppendBatchRow) =>
  row.out_status === 'wrong_expected_revision' || row.out_status === 'event_id_conflict';

/**
 * All or nothing: the batch in a transaction of its own, rolled back when any request failed its
 * check. The rows still say which one failed.
 */
export function appendBatchAtomically(
  pool: Pool,
  requests: AppendRequest[],
): Promise<AppendBatchRow[]> {
  return inTransaction(pool, async (client) => {
    const rows = await appendBatch(client, requests);
    return rows.some(failed) ? rollback(rows) : commit(rows);
  });
}
