import { randomUUID } from 'node:crypto';
import { canonicalJson, type JsonObject, type RecordedEvent } from '@touchline/event-store';
import { projectInMemory } from './fold';
import { RebuildNotCompletedError } from './errors';
import {
  appendAll,
  customerPurchases,
  latest,
  purchase,
  readLogThrough,
  refund,
  type CustomerPurchases,
} from './testing/customer-purchases.fixture';
import { EngineHarness, recordActivity } from './testing/engine-harness';

const h = new EngineHarness();
beforeAll(() => h.setup());
afterEach(() => h.closeEngines());
afterAll(() => h.teardown());

const newScope = () => `r${randomUUID().slice(0, 8)}-`;
/** This scope's events, once the log is readable through `position`. */
const scoped = async (scope: string, position: string): Promise<RecordedEvent[]> =>
  (await readLogThrough(h.store, position)).filter((e) =>
    e.streamId.startsWith(`customer-${scope}`),
  );
const sorted = (rows: Map<string, JsonObject>) =>
  Object.fromEntries([...rows].sort(([a], [b]) => (a < b ? -1 : 1)));

/** Customers with purchases and a refund each; returns their ids and the last position written. */
async function seed(
  scope: string,
  customers: number,
  perCustomer: number,
): Promise<{ ids: string[]; last: string }> {
  const ids = Array.from({ length: customers }, (_, i) => `${scope}${String(i).padStart(3, '0')}`);
  const positions = await Promise.all(
    ids.map((id, i) =>
      appendAll(h.store, id, [
        ...Array.from({ length: perCustomer - 1 }, (_, k) => purchase(100 + i + k)),
        refund(i),
      ]),
    ),
  );
  return { ids, last: latest(h.store, positions) };
}

describe('ProjectionEngine: rebuild without downtime', () => {
  it('rebuilds and switches a projection of an empty log', async () => {
    const definition = customerPurchases({ name: 'purchases_empty', scope: newScope() });
    const engine = h.engine({ projections: [definition] });
    await engine.start();
    const started = await engine.rebuild(definition.name);
    await engine.waitForRebuild(definition.name, started.generation, { timeoutMs: 10_000 });
    expect(await h.tableExists('purchases_empty_v1_g2')).toBe(true);
    expect(await h.tableExists('purchases_empty_v1_g1')).toBe(false);
  });

  it('under concurrent appends and queries: no query misses a row, and the result equals a clean build', async () => {
    const scope = newScope();
    const definition = customerPurchases({ name: 'purchases_rebuild', scope });
    const { activities, observer } = recordActivity();
    const engine = h.engine({
      projections: [definition],
      batchSize: 100,
      rebuildBatchSize: 40,
      observer,
    });
    await engine.start();
    const { ids: customers, last: seeded } = await seed(scope, 80, 8);
    await engine.waitForPosition([definition.name], seeded, 20_000);

    // Readers: every customer once seen must stay visible, and its purchases never go back.
    const seen = new Map<string, number>(customers.map((c) => [c, 0]));
    const appended: string[] = [];
    const positions: string[] = [seeded];
    const violations: string[] = [];
    let running = true;
    let reads = 0;
    const reader = (async () => {
      while (running) {
        const keys = [...new Set([...seen.keys(), ...appended])];
        const rows = await engine.getRows<CustomerPurchases>(definition.name, keys);
        reads++;
        for (const key of keys) {
          const row = rows.get(key);
          const before = seen.get(key);
          if (!row) {
            if (before !== undefined) violations.push(`${key} missing after ${reads} reads`);
            continue;
          }
          if (before !== undefined && row.purchases < before)
            violations.push(`${key} went back from ${before} to ${row.purchases}`);
          seen.set(key, row.purchases);
        }
      }
    })();
    const writer = (async () => {
      for (let i = 0; running; i++) {
        const customer = i % 4 === 0 ? `${scope}new${i}` : customers[i % customers.length]!;
        appended.push(customer);
        positions.push(await appendAll(h.store, customer, [purchase(i)]));
      }
    })();

    const started = await engine.rebuild(definition.name);
    expect(started).toMatchObject({
      projection: definition.name,
      version: 1,
      generation: 2,
      alreadyRunning: false,
    });
    const readsAtStart = reads;
    await engine.waitForRebuild(definition.name, started.generation, { timeoutMs: 60_000 });
    const readsDuringRebuild = reads - readsAtStart;
    running = false;
    await Promise.all([reader, writer]);
    const end = latest(h.store, positions);
    expect((await engine.waitForPosition([definition.name], end, 20_000)).reached).toBe(true);

    expect(violations).toEqual([]);
    expect(readsDuringRebuild).toBeGreaterThan(2);
    expect(await h.viewRows(definition.name)).toEqual(
      sorted(projectInMemory(definition, await scoped(scope, end)).rows),
    );
    expect(await h.tableExists('purchases_rebuild_v1_g2')).toBe(true);
    expect(await h.tableExists('purchases_rebuild_v1_g1')).toBe(false);
    expect(await h.tableExists('purchases_rebuild_v1_g1_streams')).toBe(false);

    // The live copy kept applying new events while the rebuild ran.
    const rebuildFrom = activities.findIndex((a) => a.type === 'rebuild-started');
    const switchedAt = activities.findIndex((a) => a.type === 'switched');
    expect(activities[switchedAt]).toEqual({
      type: 'switched',
      projection: definition.name,
      version: 1,
      from: 1,
      to: 2,
    });
    const during = activities.slice(rebuildFrom, switchedAt);
    const batchesOf = (generation: number) =>
      during.filter(
        (a) =>
          a.type === 'batch-committed' &&
          a.generation === generation &&
          a.projection === definition.name,
      );
    expect(batchesOf(1).length).toBeGreaterThan(0);
    expect(batchesOf(2).length).toBeGreaterThan(10);
    expect((await engine.status()).find((s) => s.name === definition.name)).toMatchObject({
      generation: 2,
      state: 'running',
      rebuild: null,
      caughtUp: true,
    });
  });

  it('reports progress; a second rebuild() joins the first; cancel drops a rebuild', async () => {
    const scope = newScope();
    const definition = customerPurchases({ name: 'purchases_progress', scope });
    // This engine reconciles only when asked, so the rebuild waits until it is.
    const worker = h.engine({ projections: [definition], reconcileIntervalMs: 3_600_000 });
    await worker.start();
    const { last } = await seed(scope, 10, 3);
    await worker.waitForPosition([definition.name], last, 20_000);
    const logSize = (await readLogThrough(h.store, last)).length;

    const api = h.engine({ projections: [definition] }); // never started: serves status, runs nothing
    expect(await h.indexesOf('purchases_progress_v1_g1')).toEqual([
      'purchases_progress_g1_total',
      'purchases_progress_v1_g1_pkey',
    ]);
    const started = await api.rebuild(definition.name);
    // A rebuild writes its table with the primary key only; its other indexes come before the switch.
    expect(await h.indexesOf('purchases_progress_v1_g2')).toEqual([
      'purchases_progress_v1_g2_pkey',
    ]);
    expect((await api.status()).find((s) => s.name === definition.name)).toMatchObject({
      state: 'rebuilding',
      generation: 1,
      caughtUp: true,
      rebuild: {
        generation: 2,
        version: 1,
        state: 'running',
        applied: 0,
        total: logSize,
        checkpoint: null,
        lagEvents: logSize,
      },
    });

    expect(await worker.rebuild(definition.name)).toEqual({ ...started, alreadyRunning: true });
    await worker.waitForRebuild(definition.name, started.generation, { timeoutMs: 20_000 });
    expect((await api.status()).find((s) => s.name === definition.name)).toMatchObject({
      generation: 2,
      rebuild: null,
    });
    expect(await h.indexesOf('purchases_progress_v1_g2')).toEqual([
      'purchases_progress_g2_total',
      'purchases_progress_v1_g2_pkey',
    ]);

    const third = await api.rebuild(definition.name);
    expect(third.generation).toBe(3);
    expect(await h.tableExists('purchases_progress_v1_g3')).toBe(true);
    expect(await api.cancelRebuild(definition.name)).toBe(true);
    expect(await h.tableExists('purchases_progress_v1_g3')).toBe(false);
    await expect(
      api.waitForRebuild(definition.name, 3, { timeoutMs: 1_000 }),
    ).rejects.toBeInstanceOf(RebuildNotCompletedError);
    expect(await api.cancelRebuild(definition.name)).toBe(false);
    expect(await api.getRows(definition.name, [`${scope}000`])).toHaveProperty('size', 1);
  });

  it('a new version builds beside the old one, which serves every read until the atomic switch', async () => {
    const scope = newScope();
    const v1 = customerPurchases({ name: 'purchases_versioned', scope });
    const v2 = customerPurchases({
      name: 'purchases_versioned',
      scope,
      version: 2,
      refundWeight: 10,
    });
    const old = h.engine({ projections: [v1] });
    await old.start();
    const { last } = await seed(scope, 40, 5);
    await old.waitForPosition([v1.name], last, 20_000);
    await old.close();
    const events = await scoped(scope, last);
    const asV1 = sorted(projectInMemory(v1, events).rows);
    const asV2 = sorted(projectInMemory(v2, events).rows);
    expect(asV1).not.toEqual(asV2);
    expect(await h.viewRows(v1.name)).toEqual(asV1);

    const { activities, observer } = recordActivity();
    const upgraded = h.engine({ projections: [v2], rebuildBatchSize: 20, observer });
    const observed: string[] = [];
    let watching = true;
    const reader = (async () => {
      while (watching) {
        const rows = canonicalJson(await h.viewRows(v1.name));
        observed.push(
          rows === canonicalJson(asV1) ? 'v1' : rows === canonicalJson(asV2) ? 'v2' : 'mixed',
        );
      }
    })();
    await upgraded.start();
    await upgraded.waitForRebuild(v2.name, 2, { timeoutMs: 30_000 });
    watching = false;
    await reader;

    expect(activities.find((a) => a.type === 'rebuild-started')).toEqual({
      type: 'rebuild-started',
      projection: v2.name,
      version: 2,
      generation: 2,
    });
    // Every read saw one complete version, v1 until the switch and v2 after it.
    expect(observed).not.toContain('mixed');
    expect(observed.at(-1)).toBe('v2');
    expect(observed.indexOf('v2')).toBeGreaterThan(observed.lastIndexOf('v1'));
    expect(await h.viewRows(v2.name)).toEqual(asV2);
    expect(await h.tableExists('purchases_versioned_v2_g2')).toBe(true);
    expect(await h.tableExists('purchases_versioned_v1_g1')).toBe(false);

    // A process still on version 1 leaves the newer projection alone.
    const stale = recordActivity();
    const straggler = h.engine({ projections: [v1], observer: stale.observer });
    await straggler.start();
    expect(stale.activities).toEqual([
      expect.objectContaining({ type: 'error', phase: 'version', projection: v1.name }),
    ]);
    expect((await straggler.status()).find((s) => s.name === v1.name)).toMatchObject({
      version: 2,
      generation: 2,
      rebuild: null,
    });
  });

  it('rebuilds run together read each page of the log about once, and each equals a clean build', async () => {
    const scope = newScope();
    const definitions = ['a', 'b', 'c'].map((n) =>
      customerPurchases({ name: `purchases_shared_${n}`, scope, refundWeight: n === 'b' ? 2 : 1 }),
    );
    const { last } = await seed(scope, 60, 5);
    const reads: string[] = [];
    // Catch-up pages go through store.readAll; the live tail (subscribeToAll) is not counted.
    const store = new Proxy(h.store, {
      get(target, property) {
        if (property === 'readAll') {
          return (from: string | null, limit: number) => {
            reads.push(`${from ?? '-'}:${limit}`);
            return target.readAll(from, limit);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function'
          ? (value as (...a: unknown[]) => unknown).bind(target)
          : value;
      },
    });
    // An engine that runs nothing asks for the rebuilds; a second one then starts all of them.
    const asking = h.engine({ projections: definitions, store });
    await asking.prepare();
    const builds = await Promise.all(definitions.map((d) => asking.rebuild(d.name)));
    const runner = h.engine({ projections: definitions, store, rebuildBatchSize: 20 });
    await runner.start();
    for (const build of builds)
      await runner.waitForRebuild(build.projection, build.generation, { timeoutMs: 60_000 });

    const pages = new Set(reads);
    expect(pages.size).toBeGreaterThan(10);
    // Without sharing, each of the three rebuilds reads every page: 3 reads per page.
    expect(reads.length).toBeLessThan(pages.size * 1.5);
    expect(
      (
        await runner.waitForPosition(
          definitions.map((d) => d.name),
          last,
          20_000,
        )
      ).reached,
    ).toBe(true);
    const events = await scoped(scope, last);
    for (const definition of definitions) {
      expect(await h.viewRows(definition.name)).toEqual(
        sorted(projectInMemory(definition, events).rows),
      );
    }
  });
});
