import type { Position } from '@eventstore/db-client';
import type { Checkpoint } from '../event-store.port';

/**
 * An EventStoreDB checkpoint is the pair $all is ordered by, written "esdb:<commit>:<prepare>".
 * The prefix keeps it from ever being mistaken for (or compared with) a PostgreSQL checkpoint.
 */
const FORMAT = /^esdb:(\d+):(\d+)$/;

export function encodeCheckpoint(position: Position): Checkpoint {
  return `esdb:${position.commit}:${position.prepare}`;
}

/** null for null: the start of the log. */
export function decodeCheckpoint(checkpoint: Checkpoint | null | undefined): Position | null {
  if (checkpoint === null || checkpoint === undefined) return null;
  const match = FORMAT.exec(checkpoint);
  if (!match) throw new TypeError(`Not an EventStoreDB event store checkpoint: "${checkpoint}"`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}

/** By commit, then prepare; null (the start) before everything. */
export function comparePositions(a: Position | null, b: Position | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function compareCheckpoints(a: Checkpoint | null, b: Checkpoint | null): number {
  return comparePositions(decodeCheckpoint(a), decodeCheckpoint(b));
}
