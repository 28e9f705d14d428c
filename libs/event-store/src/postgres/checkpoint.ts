import type { Checkpoint } from '../event-store.port';

/**
 * A PostgreSQL checkpoint is the pair the global log is ordered by: (transaction id, global
 * position), written "<xid>-<position>". The pair, not the position alone, is what never lets a
 * reader pass an event that a slower transaction has yet to commit.
 */
export interface PgCursor {
  transactionId: bigint;
  position: bigint;
}

export const START: PgCursor = { transactionId: 0n, position: 0n };

export function encodeCheckpoint(
  transactionId: string | bigint,
  position: string | bigint,
): Checkpoint {
  return `${transactionId}-${position}`;
}

export function decodeCheckpoint(checkpoint: Checkpoint | null | undefined): PgCursor {
  if (checkpoint === null || checkpoint === undefined) return START;
  const match = /^(\d+)-(\d+)$/.exec(checkpoint);
  if (!match) throw new TypeError(`Not a PostgreSQL event store checkpoint: "${checkpoint}"`);
  return { transactionId: BigInt(match[1]!), position: BigInt(match[2]!) };
}

export function compareCursors(a: PgCursor, b: PgCursor): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  return 0;
}
