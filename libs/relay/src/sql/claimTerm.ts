import type { Checkpoint } from '@touchline/event-store';
import type { Queryable } from './queryable';

export interface Term {
  term: number;
  /** Where the new term starts publishing: right after this checkpoint (null: the beginning). */
  checkpoint: Checkpoint | null;
}

/**
 * Opens a new leadership term: bumps the fencing token and reads the checkpoint in one statement,
 * so the term starts from exactly what the previous leader last stored.
 */
export async function claimTerm(session: Queryable, name: string, leader: string): Promise<Term> {
  const { rows } = await session.query<{ term: string; checkpoint: string | null }>(
    `INSERT INTO relay.checkpoints AS c (name, term, leader, leader_since)
     VALUES ($1, 1, $2, now())
     ON CONFLICT (name) DO UPDATE
        SET term = c.term + 1, leader = EXCLUDED.leader, leader_since = EXCLUDED.leader_since
     RETURNING term::text AS term, checkpoint`,
    [name, leader],
  );
  return { term: Number(rows[0]!.term), checkpoint: rows[0]!.checkpoint };
}
