import { randomUUID } from 'node:crypto';
import { projectInMemory, type AnyProjection } from '@touchline/projections';
import { toEventToAppend, type JourneyEvent } from '@touchline/touchpoints';
import {
  CUSTOMER_PROFILE,
  type CustomerProfileRow,
} from './projections/customer-profile.projection';
import { CUSTOMER_TIMELINE } from './projections/customer-timeline.projection';
import { READ_MODEL_PROJECTIONS } from './projections/read-model-projections';
import { SURVEY_DAILY } from './projections/survey-daily.projection';
import { journeyStreams } from './queries/get-customer-timeline/journey-streams';
import { ReadModelsHarness } from './testing/read-models-harness';
import { append, purchase, survey, touchpoint } from './testing/touchpoints';

const h = new ReadModelsHarness();
beforeAll(() => h.setup());
afterAll(() => h.teardown());

const scope = () => `i${randomUUID().slice(0, 8)}`;
const at = (d: string) => `${d}T10:00:00.000Z`;
const IDENTITY_MODELS = [CUSTOMER_PROFILE, CUSTOMER_TIMELINE, SURVEY_DAILY];

/** customer.merged or customer.unmerged, recorded in both streams in one transaction, as ops does. */
async function recordMerge(
  type: 'customer.merged' | 'customer.unmerged',
  survivorId: string,
  mergedId: string,
  day: string,
): Promise<string> {
  const events = [survivorId, mergedId].map((customerId) =>
    touchpoint({
      type,
      customerId,
      at: at(day),
      channel: 'other',
      data: { survivorId, mergedId, reason: 'spec' },
    }),
  );
  const results = await h.store.appendToStreams(
    events.map((e) => {
      const { streamId, event } = toEventToAppend(e);
      return { streamId, events: [event], expectedRevision: 'any' as const };
    }),
  );
  return results[1]!.events[0]!.position;
}

/** Every row of the three models as readers see them: data and the position that last changed it. */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of IDENTITY_MODELS) {
    const { rows } = await h.db.pool.query<{
      key: string;
      data: unknown;
      updated_position: string;
    }>(`SELECT key, data, updated_position FROM projections.${name} ORDER BY key`);
    out[name] = rows;
  }
  return out;
}

async function rebuildAll(): Promise<void> {
  for (const name of IDENTITY_MODELS) {
    const { generation } = await h.engine.rebuild(name);
    await h.engine.waitForRebuild(name, generation, { timeoutMs: 60_000 });
  }
}

const profile = async (id: string) =>
  (await h.engine.getRow<CustomerProfileRow>(CUSTOMER_PROFILE, id))!;

/** A clean fold of the whole log in memory, for one projection. */
async function inMemory(name: string, keep: (e: { type: string }) => boolean = () => true) {
  const definition = READ_MODEL_PROJECTIONS.find((p) => p.name === name) as AnyProjection;
  const { rows, deadLetters } = projectInMemory(definition, (await h.wholeLog()).filter(keep));
  expect(deadLetters).toEqual([]);
  return rows;
}

describe('identity: linked and merged ids count towards one customer (PostgreSQL)', () => {
  const s = `${scope()}-s`;
  const m = `${scope()}-m`;
  const anon = `${scope()}-x`;
  let history: JourneyEvent[];

  beforeAll(async () => {
    history = [
      purchase(m, at('2025-01-02'), 40),
      touchpoint({
        type: 'browse',
        anonymousId: anon,
        at: at('2025-01-03'),
        data: { screen: 'Home' },
      }),
      survey('nps', m, at('2025-01-04'), 3),
      purchase(s, at('2025-01-05'), 100),
      touchpoint({
        type: 'survey.csat',
        anonymousId: anon,
        at: at('2025-01-05'),
        data: { score: 5 },
      }),
    ];
    await append(h.store, history);
  });

  it('merge under live projection: the survivor counts the duplicate, the duplicate points at it', async () => {
    await recordMerge('customer.merged', s, m, '2025-02-01');
    const last = await append(h.store, [purchase(m, at('2025-02-02'), 7)]);
    await h.caughtUp(last);

    expect(await profile(s)).toMatchObject({
      customerId: s,
      canonicalId: s,
      orders: 3,
      grossSpend: 147,
      mergedIds: [m],
      mergedInto: null,
      lastSurveys: { nps: { score: 3 } },
      firstPurchaseAt: at('2025-01-02'),
    });
    expect(await profile(m)).toMatchObject({
      customerId: m,
      canonicalId: s,
      mergedInto: s,
      orders: 0,
    });
    expect(journeyStreams(await profile(s))).toEqual([`customer-${s}`, `customer-${m}`]);
  });

  it('an anonymous id linked after its events: they count from the link on, earlier ones included', async () => {
    const last = await append(h.store, [
      touchpoint({
        type: 'identity.linked',
        customerId: m,
        at: at('2025-02-03'),
        data: { anonymousId: anon },
      }),
    ]);
    await h.caughtUp(last);
    const row = await profile(s);
    // Linked through the duplicate: the group's row has it, with the visitor's browse and CSAT.
    expect(row.linkedAnonymousIds).toEqual([anon]);
    expect(row.countsByType).toMatchObject({ browse: 1, 'survey.csat': 1, 'identity.linked': 1 });
    expect(row.firstSeenAt).toBe(at('2025-01-02'));
    expect(row.lastSurveys.csat).toMatchObject({ score: 5 });
    expect(journeyStreams(row).sort()).toEqual(
      [`customer-${s}`, `customer-${m}`, `anonymous-${anon}`].sort(),
    );
  });

  it('merge then rebuild gives the same read models, row for row, as merge under live projection', async () => {
    const live = await snapshot();
    expect(live[CUSTOMER_PROFILE]!.length).toBeGreaterThan(1);
    await rebuildAll();
    expect(await snapshot()).toEqual(live);
    // And both are what a fold of the whole log in memory gives.
    const profiles = await inMemory(CUSTOMER_PROFILE);
    expect(await profile(s)).toEqual(profiles.get(s));
    expect(await profile(m)).toEqual(profiles.get(m));
  });

  it('redelivery changes nothing: the checkpoint set back before the merge, the log applied again', async () => {
    const before = await snapshot();
    const [mergeEvent] = (await h.wholeLog()).filter(
      (e) => e.type === 'customer.merged' && e.streamId === `customer-${s}`,
    );
    const { rowCount } = await h.db.pool.query(
      `UPDATE projections.checkpoints c SET source_cursor = $2, applied_position = $2
         FROM projections.registry r
        WHERE c.name = r.name AND c.generation = r.live_generation AND c.name = $1`,
      [CUSTOMER_PROFILE, mergeEvent!.position],
    );
    expect(rowCount).toBe(1);
    // A new event of another customer makes the runner see the moved checkpoint and redeliver.
    const other = `${scope()}-o`;
    const last = await append(h.store, [purchase(other, at('2025-03-01'), 1)]);
    await h.caughtUp(last);
    const after = await snapshot();
    const withoutOther = (rows: unknown[]) =>
      rows.filter((r) => !(r as { key: string }).key.startsWith(other));
    expect(withoutOther(after[CUSTOMER_PROFILE]!)).toEqual(before[CUSTOMER_PROFILE]);
  });

  it('unmerge restores the separate rows exactly as if never merged (but for the recorded events)', async () => {
    const last = await recordMerge('customer.unmerged', s, m, '2025-03-02');
    await h.caughtUp(last);
    const neverMerged = await inMemory(
      CUSTOMER_PROFILE,
      (e) => e.type !== 'customer.merged' && e.type !== 'customer.unmerged',
    );
    expect(await profile(s)).toEqual(neverMerged.get(s));
    expect(await profile(m)).toEqual(neverMerged.get(m));
    expect(await profile(m)).toMatchObject({ canonicalId: m, mergedInto: null, orders: 2 });
    // The link of the visitor was recorded in m's stream: it stays with m.
    expect((await profile(m)).linkedAnonymousIds).toEqual([anon]);
    expect((await profile(s)).mergedIds).toEqual([]);

    const live = await snapshot();
    await rebuildAll();
    expect(await snapshot()).toEqual(live);
  });

  it('chains: a into b, b into c; c counts all three; unmerging b takes a along; rebuild agrees', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((n) => `${scope()}-${n}`) as [string, string, string];
    await append(h.store, [
      purchase(a, at('2025-04-01'), 1),
      purchase(b, at('2025-04-02'), 10),
      purchase(c, at('2025-04-03'), 100),
      survey('nps', a, at('2025-04-04'), 10),
    ]);
    await recordMerge('customer.merged', b, a, '2025-04-05');
    await recordMerge('customer.merged', c, b, '2025-04-06');
    let last = await append(h.store, [purchase(a, at('2025-04-07'), 1000)]);
    await h.caughtUp(last);
    expect(await profile(c)).toMatchObject({ orders: 4, grossSpend: 1111, mergedIds: [a, b] });
    expect(await profile(a)).toMatchObject({ canonicalId: c, mergedInto: b, orders: 0 });
    expect(await profile(b)).toMatchObject({ canonicalId: c, mergedInto: c, orders: 0 });

    const live = await snapshot();
    await rebuildAll();
    expect(await snapshot()).toEqual(live);

    last = await recordMerge('customer.unmerged', c, b, '2025-04-08');
    await h.caughtUp(last);
    expect(await profile(c)).toMatchObject({ orders: 1, grossSpend: 100, mergedIds: [] });
    expect(await profile(b)).toMatchObject({
      canonicalId: b,
      mergedInto: null,
      orders: 3,
      grossSpend: 1011,
      mergedIds: [a],
    });
    expect(await profile(a)).toMatchObject({ canonicalId: b, mergedInto: b });
    const profiles = await inMemory(CUSTOMER_PROFILE);
    for (const id of [a, b, c]) expect(await profile(id)).toEqual(profiles.get(id));
  });

  it('survey trends count every answer once, whatever the merges', async () => {
    const rows = await inMemory(SURVEY_DAILY);
    const { rows: stored } = await h.db.pool.query<{ key: string; data: unknown }>(
      `SELECT key, data FROM projections.survey_daily ORDER BY key`,
    );
    expect(new Map(stored.map((r) => [r.key, r.data]))).toEqual(
      new Map([...rows].sort(([x], [y]) => (x < y ? -1 : 1))),
    );
  });
});
