import type { Checkpoint } from '@touchline/event-store';
import type { Queryable } from './queryable';

/**
 * Compare-and-set: moves the checkpoint only from the value this term last stored, and only while
 * the row still carries this term. False when either has changed: a newer leader took over, and
 * this one must stop without writing anything.
 */
export async function storeCheckpoint(
  session: Queryable,
  name: string,
  term: number,
  previous: Checkpoint | null,
  next: Checkpoint,
): Promise<boolean> {
  const { rowCount } = await session.query(
    `UPDATE relay.checkpoints
        SET checkpoint = $4, updated_at = now()
      WHERE name = $1 AND term = $2 AND checkpoint IS NOT DISTINCT FROM $3`,
    [name, term, previous, next],
  );
  return rowCount === 1;
}
