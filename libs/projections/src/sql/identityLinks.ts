import type { PoolClient } from 'pg';
import type { IdentityLink } from '../identity/identity-graph';

/** $1 name, $2 generation, $3 the streams (text[]). Runs inside the batch's transaction. */
export const COMPONENTS_SQL = `WITH RECURSIVE component(stream) AS (
       -- A build without any link (most rebuilds, most of the time) looks up nothing.
       SELECT s FROM unnest($3::text[]) AS s
        WHERE EXISTS (SELECT 1 FROM projections.identity_links WHERE name = $1 AND generation = $2)
       UNION
       SELECT next.stream
         FROM component c
        CROSS JOIN LATERAL (
          -- Two index lookups per stream: its parent (primary key) and what is linked to it.
          SELECT l.parent FROM projections.identity_links l
           WHERE l.name = $1 AND l.generation = $2 AND l.alias = c.stream
          UNION ALL
          SELECT l.alias FROM projections.identity_links l
           WHERE l.name = $1 AND l.generation = $2 AND l.parent = c.stream
        ) AS next(stream)
     )
     -- One primary key lookup per stream of the component (LIMIT 1 keeps the planner from
     -- turning this into a join over every link of the build).
     SELECT link.alias, link.parent, link.position
       FROM component c
      CROSS JOIN LATERAL (
        SELECT l.alias, l.parent, l.position FROM projections.identity_links l
         WHERE l.name = $1 AND l.generation = $2 AND l.alias = c.stream
         LIMIT 1
      ) AS link
      ORDER BY link.alias
      FOR UPDATE OF link`;

/**
 * The links of the connected components around `streams` (followed both ways: a stream's parent
 * chain and everything linked to it), locked for the batch: roots and groups are then exact for
 * every stream the batch touches.
 */
export async function loadIdentityComponents(
  client: PoolClient,
  name: string,
  generation: number,
  streams: readonly string[],
): Promise<IdentityLink[]> {
  if (streams.length === 0) return [];
  // The recursive query's row estimates are large, and above jit_above_cost PostgreSQL compiles
  // it with LLVM first: about 0.3 s per batch, for a query that runs in milliseconds.
  await client.query('SET LOCAL jit = off');
  const { rows } = await client.query<IdentityLink>(COMPONENTS_SQL, [
    name,
    generation,
    [...streams],
  ]);
  return rows;
}

/** Writes back the links a batch added, moved (parent, position) or removed (null). */
export async function storeIdentityLinks(
  client: PoolClient,
  name: string,
  generation: number,
  changes: ReadonlyMap<string, { parent: string; position: string } | null>,
): Promise<void> {
  const removed = [...changes].filter(([, link]) => link === null).map(([alias]) => alias);
  const kept = [...changes].filter(([, link]) => link !== null) as [
    string,
    { parent: string; position: string },
  ][];
  if (removed.length > 0) {
    await client.query(
      `DELETE FROM projections.identity_links WHERE name = $1 AND generation = $2 AND alias = ANY ($3::text[])`,
      [name, generation, removed],
    );
  }
  if (kept.length > 0) {
    await client.query(
      `INSERT INTO projections.identity_links (name, generation, alias, parent, position)
       SELECT $1, $2, u.alias, u.parent, u.position
         FROM unnest($3::text[], $4::text[], $5::text[]) AS u(alias, parent, position)
       ON CONFLICT (name, generation, alias)
       DO UPDATE SET parent = EXCLUDED.parent, position = EXCLUDED.position`,
      [
        name,
        generation,
        kept.map(([alias]) => alias),
        kept.map(([, link]) => link.parent),
        kept.map(([, link]) => link.position),
      ],
    );
  }
}
