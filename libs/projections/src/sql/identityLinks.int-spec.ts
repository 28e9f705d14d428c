import { EngineHarness } from '../testing/engine-harness';
import { insertBuild } from './builds';
import { COMPONENTS_SQL, loadIdentityComponents } from './identityLinks';
import { insertRegistry } from './registry';

const h = new EngineHarness();
beforeAll(() => h.setup());
afterAll(() => h.teardown());

interface PlanNode {
  'Rows Removed by Filter'?: number;
  'Rows Removed by Join Filter'?: number;
  Plans?: PlanNode[];
}
const removed = (node: PlanNode): number =>
  (node['Rows Removed by Filter'] ?? 0) +
  (node['Rows Removed by Join Filter'] ?? 0) +
  (node.Plans ?? []).reduce((sum, child) => sum + removed(child), 0);

describe('loadIdentityComponents (PostgreSQL)', () => {
  it('looks up each stream of a component by key, also where the planner knows nothing of the links', async () => {
    const name = 'links_lookup';
    const client = await h.pool.connect();
    try {
      await client.query('BEGIN');
      await insertRegistry(client, name, 1);
      await insertBuild(client, {
        name,
        generation: 1,
        version: 1,
        storage: 'jsonb',
        table: 'links_lookup_v1_g1',
        targetPosition: null,
      });
      // 3,000 anonymous streams linked to 1,000 customers, 3 each; no ANALYZE, as for a new
      // generation during a rebuild.
      await client.query(
        `INSERT INTO projections.identity_links (name, generation, alias, parent, position)
         SELECT $1, 1, 'a-' || i, 'c-' || (i % 1000), '0-' || i FROM generate_series(0, 2999) AS i`,
        [name],
      );
      await client.query('COMMIT');

      const streams = ['a-5', 'c-7', 'c-unlinked'];
      await client.query('BEGIN');
      const links = await loadIdentityComponents(client, name, 1, streams);
      // a-5's group is c-5 with a-5, a-1005, a-2005; c-7's is a-7, a-1007, a-2007.
      expect(links.map((l) => `${l.alias}>${l.parent}`)).toEqual([
        'a-1005>c-5',
        'a-1007>c-7',
        'a-2005>c-5',
        'a-2007>c-7',
        'a-5>c-5',
        'a-7>c-7',
      ]);
      const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${COMPONENTS_SQL}`,
        [name, 1, streams],
      );
      // Every row read is one that was asked for: no scan of the build's links filtered by stream.
      expect(removed(rows[0]!['QUERY PLAN'][0].Plan)).toBe(0);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});
