import type { PoolClient } from 'pg';

export interface NewBuild {
  name: string;
  generation: number;
  version: number;
  storage: string;
  table: string;
  targetPosition: string | null;
}

export async function insertBuild(client: PoolClient, build: NewBuild): Promise<void> {
  await client.query(
    `INSERT INTO projections.builds (name, generation, version, storage, table_name, target_position)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [build.name, build.generation, build.version, build.storage, build.table, build.targetPosition],
  );
}

/** Deletes the build's row (its checkpoints go with it); the caller drops its tables. */
export async function deleteBuild(
  client: PoolClient,
  name: string,
  generation: number,
): Promise<void> {
  await client.query(`DELETE FROM projections.builds WHERE name = $1 AND generation = $2`, [
    name,
    generation,
  ]);
}

export interface BuildRow {
  name: string;
  generation: number;
  version: number;
  storage: string;
  table_name: string;
  state: 'running' | 'stopped' | 'failed';
  target_position: string | null;
  last_error: string | null;
  last_error_at: Date | null;
  failed_event: FailedEvent | null;
  created_at: Date;
  live: boolean;
}

export interface FailedEvent {
  eventId: string;
  type: string;
  streamId: string;
  revision: number;
  position: string;
}

/** The builds of the given projections (all when `names` is null), live first. */
export async function readBuilds(
  client: Pick<PoolClient, 'query'>,
  names: readonly string[] | null,
): Promise<BuildRow[]> {
  const { rows } = await client.query<BuildRow>(
    `SELECT b.name, b.generation, b.version, b.storage, b.table_name, b.state, b.target_position,
            b.last_error, b.last_error_at, b.failed_event, b.created_at,
            (r.live_generation = b.generation) AS live
       FROM projections.builds b
       JOIN projections.registry r ON r.name = b.name
      WHERE $1::text[] IS NULL OR b.name = ANY ($1::text[])
      ORDER BY b.name, (r.live_generation = b.generation) DESC, b.generation`,
    [names],
  );
  return rows;
}
