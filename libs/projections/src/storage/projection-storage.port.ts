import type { JsonObject } from '@touchline/event-store';
import type { PoolClient } from 'pg';
import type { RowWrite } from '../fold';

/**
 * How one kind of projection table stores rows. The engine owns transactions, checkpoints and
 * stream revisions; a storage only knows its table. Every method runs on the client of the
 * engine's transaction and must not use any other connection.
 *
 * The generic jsonb storage is the only one today; typed read models (real columns for analysts'
 * SQL) add another implementation of this port, selected by the definition's `table.kind`.
 */
export interface ProjectionStorage {
  /**
   * Creates the rows table of one build (empty). With `deferIndexes` (a rebuild, which fills the
   * table before anyone reads it) only what writing needs is created: createIndexes adds the rest
   * before the switch, in one sorted pass instead of one index entry per written row version.
   */
  create(client: PoolClient, table: string, options?: { deferIndexes?: boolean }): Promise<void>;
  /** Creates the indexes a deferred create left out; does nothing for those that exist. */
  createIndexes(client: PoolClient, table: string): Promise<void>;
  /** Points the read view `projections.<view>` at a build's table. Runs inside the switch transaction. */
  publish(client: PoolClient, view: string, table: string): Promise<void>;
  drop(client: PoolClient, table: string): Promise<void>;
  /**
   * The stored rows among `keys`, locked for the rest of the transaction unless `lock` is false
   * (the engine's rebuilds: one partition, whose checkpoint lock already serializes every writer
   * of the build's table).
   */
  loadRows(
    client: PoolClient,
    table: string,
    keys: readonly string[],
    options?: { lock?: boolean },
  ): Promise<Map<string, JsonObject>>;
  /**
   * Writes the rows a batch changed. `existed` are the keys loadRows found. A key that was absent
   * at load but is present now was inserted by a concurrent transaction: throw RowConflictError so
   * that the batch is rolled back and retried on fresh rows.
   */
  saveRows(
    client: PoolClient,
    table: string,
    writes: ReadonlyMap<string, RowWrite>,
    existed: ReadonlySet<string>,
  ): Promise<void>;
}
