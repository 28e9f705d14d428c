import { waitFor } from '@touchline/testing';
import type { Pool } from 'pg';

/** What the event store holds, read directly from its tables (touchline.events, .streams). */
export async function countEvents(pool: Pool, source?: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    source === undefined
      ? 'SELECT count(*) AS n FROM touchline.events'
      : "SELECT count(*) AS n FROM touchline.events WHERE metadata->>'source' = $1",
    source === undefined ? [] : [source],
  );
  return Number(rows[0]!.n);
}

/** How many times each event id is stored (the unique index makes > 1 impossible: checked anyway). */
export async function storedIds(pool: Pool, ids: readonly string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 5_000) {
    const { rows } = await pool.query<{ event_id: string; n: string }>(
      'SELECT event_id::text, count(*) AS n FROM touchline.events WHERE event_id = ANY($1::uuid[]) GROUP BY event_id',
      [ids.slice(i, i + 5_000)],
    );
    for (const row of rows) found.set(row.event_id, Number(row.n));
  }
  return found;
}

export interface StreamCheck {
  streams: number;
  events: number;
  /** Streams whose revisions are not exactly 0..n-1, or whose head disagrees. */
  broken: { stream: string; revisions: number; min: number; max: number; head: number | null }[];
}

/** Every stream gap-free and duplicate-free, 0..n-1, with touchline.streams' head at n-1. */
export async function checkStreams(pool: Pool): Promise<StreamCheck> {
  const { rows } = await pool.query<{
    stream_id: string;
    n: string;
    distinct_n: string;
    min: string;
    max: string;
    head: string | null;
  }>(`
    SELECT e.stream_id, count(*) AS n, count(DISTINCT e.stream_revision) AS distinct_n,
           min(e.stream_revision) AS min, max(e.stream_revision) AS max,
           (SELECT s.revision FROM touchline.streams s WHERE s.stream_id = e.stream_id) AS head
      FROM touchline.events e GROUP BY e.stream_id`);
  const broken = rows
    .filter(
      (r) =>
        r.n !== r.distinct_n ||
        Number(r.min) !== 0 ||
        Number(r.max) !== Number(r.n) - 1 ||
        r.head === null ||
        Number(r.head) !== Number(r.max),
    )
    .map((r) => ({
      stream: r.stream_id,
      revisions: Number(r.n),
      min: Number(r.min),
      max: Number(r.max),
      head: r.head === null ? null : Number(r.head),
    }));
  return {
    streams: rows.length,
    events: rows.reduce((sum, r) => sum + Number(r.n), 0),
    broken,
  };
}

/** Waits until the store holds at least `count` events of producer `source` (metadata.source). */
export async function waitForEventsFrom(
  pool: Pool,
  source: string,
  count: number,
  what: string,
): Promise<void> {
  await waitFor(async () => ((await countEvents(pool, source)) >= count ? true : undefined), {
    timeoutMs: 180_000,
    intervalMs: 200,
    what,
  });
}

/**
 * The no-loss checks of a scenario, asserted: each of `ids` (distinct) stored exactly once,
 * nothing else in the store, every stream gap-free with its head in place. Returns what was found,
 * for the figures.
 */
export async function expectStoredExactlyOnce(
  pool: Pool,
  ids: readonly string[],
): Promise<{ lost: string[]; duplicated: number; stored: number; streams: StreamCheck }> {
  const found = await storedIds(pool, ids);
  const lost = ids.filter((id) => found.get(id) !== 1);
  expect(lost).toEqual([]);
  const stored = await countEvents(pool);
  expect(stored).toBe(ids.length);
  const streams = await checkStreams(pool);
  expect(streams.broken).toEqual([]);
  return { lost, duplicated: [...found.values()].filter((n) => n > 1).length, stored, streams };
}

/** Event ids of a stream in revision order. */
export async function streamEventIds(pool: Pool, stream: string): Promise<string[]> {
  const { rows } = await pool.query<{ event_id: string }>(
    'SELECT event_id::text FROM touchline.events WHERE stream_id = $1 ORDER BY stream_revision',
    [stream],
  );
  return rows.map((r) => r.event_id);
}
