import type { Checkpoint } from '@touchline/event-store';
import type { Queryable } from './queryable';

export interface CheckpointRow {
  checkpoint: Checkpoint | null;
  /** When the checkpoint last moved (or the row was created). */
  updatedAt: Date;
  term: number;
  leader: string | null;
  leaderSince: Date | null;
}

/** The stored state of a relay, as any instance (leader or standby) sees it; null before its first term. */
export async function readCheckpoint(db: Queryable, name: string): Promise<CheckpointRow | null> {
  const { rows } = await db.query<{
    checkpoint: string | null;
    updated_at: Date;
    term: string;
    leader: string | null;
    leader_since: Date | null;
  }>(
    `SELECT checkpoint, updated_at, term::text AS term, leader, leader_since
       FROM relay.checkpoints
      WHERE name = $1`,
    [name],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    checkpoint: row.checkpoint,
    updatedAt: row.updated_at,
    term: Number(row.term),
    leader: row.leader,
    leaderSince: row.leader_since,
  };
}
