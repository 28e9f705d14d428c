import type { PoolClient } from 'pg';

/**
 * Structural changes of one projection (first creation, starting a rebuild) are serialised by a
 * transaction-level advisory lock: it holds no connection beyond the transaction, which a pool of
 * one connection requires, and it also covers the case where the registry row does not exist yet.
 */
export async function lockProjection(client: PoolClient, name: string): Promise<void> {
  await client.query(
    `SELECT pg_advisory_xact_lock(hashtext('touchline.projections'), hashtext($1))`,
    [name],
  );
}

export interface RegistryRow {
  live_generation: number;
  last_generation: number;
}

export async function readRegistry(
  client: PoolClient,
  name: string,
  forUpdate = false,
): Promise<RegistryRow | null> {
  const { rows } = await client.query<RegistryRow>(
    `SELECT live_generation, last_generation FROM projections.registry WHERE name = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
    [name],
  );
  return rows[0] ?? null;
}

export async function insertRegistry(
  client: PoolClient,
  name: string,
  generation: number,
): Promise<void> {
  await client.query(
    `INSERT INTO projections.registry (name, live_generation, last_generation) VALUES ($1, $2, $2)`,
    [name, generation],
  );
}

/** Reserves the next generation number; numbers are never reused, nor are table names. */
export async function nextGeneration(client: PoolClient, name: string): Promise<number> {
  const { rows } = await client.query<{ last_generation: number }>(
    `UPDATE projections.registry SET last_generation = last_generation + 1 WHERE name = $1 RETURNING last_generation`,
    [name],
  );
  return rows[0]!.last_generation;
}
