import type { Pool } from 'pg';

export interface DeadLetterRecord {
  id: string;
  projection: string;
  version: number;
  generation: number;
  eventId: string;
  eventType: string;
  streamId: string;
  streamRevision: number;
  position: string;
  reason: string;
  recordedAt: Date;
}

export async function readDeadLetters(
  pool: Pool,
  projection: string,
  limit: number,
): Promise<DeadLetterRecord[]> {
  const { rows } = await pool.query<{
    id: string;
    projection: string;
    version: number;
    generation: number;
    event_id: string;
    event_type: string;
    stream_id: string;
    stream_revision: string;
    position: string;
    reason: string;
    recorded_at: Date;
  }>(
    `SELECT id, projection, version, generation, event_id, event_type, stream_id, stream_revision, position,
            reason, recorded_at
       FROM projections.dead_letters
      WHERE projection = $1
      ORDER BY id DESC
      LIMIT $2`,
    [projection, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    projection: r.projection,
    version: r.version,
    generation: r.generation,
    eventId: r.event_id,
    eventType: r.event_type,
    streamId: r.stream_id,
    streamRevision: Number(r.stream_revision),
    position: r.position,
    reason: r.reason,
    recordedAt: r.recorded_at,
  }));
}

export async function countDeadLetters(pool: Pool): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ projection: string; generation: number; n: string }>(
    `SELECT projection, generation, count(*) AS n FROM projections.dead_letters GROUP BY projection, generation`,
  );
  return new Map(rows.map((r) => [`${r.projection}#${r.generation}`, Number(r.n)]));
}
