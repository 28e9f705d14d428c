import { randomUUID } from 'node:crypto';
import { projectInMemory, type AnyProjection } from '@touchline/projections';
import { toEventToAppend, type JourneyEvent } from '@touchline/touchpoints';
import { READ_MODEL_PROJECTIONS } from '../projections/read-model-projections';
import { ReadModelsHarness } from '../testing/read-models-harness';
import { append, survey, touchpoint } from '../testing/touchpoints';
import { COMPLAINT_CASE } from './complaint-case.projection';
import { COMPLAINT_FOLLOWUP } from './complaint-followup.projection';

/**
 * The follow-up survey of a resolved complaint counts whatever id the customer answered under: an
 * anonymous stream the customer linked, a duplicate merged into the customer; an unmerge takes the
 * duplicate's answer back; live rows equal a rebuild and a clean fold of the log.
 */
const h = new ReadModelsHarness();
beforeAll(() => h.setup());
afterAll(() => h.teardown());

const run = randomUUID().slice(0, 8);
const C = `c-${run}`;
const DUP = `dup-${run}`;
const ANON = `anon-${run}`;
const X = `X-${run}`; // answered on the visitor's stream, linked later
const Y = `Y-${run}`; // answered on the duplicate's stream, merged later
const Z = `Z-${run}`; // answered nowhere within 48 h

const at = (day: string, time = '10:00') => `2026-03-${day}T${time}:00.000Z`;
function complaint(step: 'opened' | 'resolved', complaintId: string, when: string): JourneyEvent {
  const data: Record<string, string> = { complaintId };
  if (step === 'opened') Object.assign(data, { category: 'delivery', severity: 'high' });
  if (step === 'resolved') data.resolution = 'fixed';
  return touchpoint({ type: `complaint.${step}`, customerId: C, at: when, data });
}
async function recordMerge(type: 'customer.merged' | 'customer.unmerged', day: string) {
  const results = await h.store.appendToStreams(
    [C, DUP].map((customerId) => {
      const { streamId, event } = toEventToAppend(
        touchpoint({
          type,
          customerId,
          at: at(day, '12:00'),
          channel: 'other',
          data: { survivorId: C, mergedId: DUP, reason: 'spec' },
        }),
      );
      return { streamId, events: [event], expectedRevision: 'any' as const };
    }),
  );
  await h.caughtUp(results[1]!.events[0]!.position);
}

const cases = async () =>
  (
    await h.db.pool.query<{
      complaint_id: string;
      survey_within_48h: boolean;
      survey_after_resolution_at: Date | null;
      canonical_customer_id: string | null;
    }>(
      `SELECT complaint_id, survey_within_48h, survey_after_resolution_at, canonical_customer_id
         FROM analytics.complaint_cases WHERE complaint_id = ANY($1) ORDER BY complaint_id`,
      [[X, Y, Z]],
    )
  ).rows.map((r) => ({
    id: r.complaint_id.slice(0, 1),
    surveyed: r.survey_within_48h,
    surveyAt: r.survey_after_resolution_at?.toISOString() ?? null,
    canonical: r.canonical_customer_id,
  }));

async function rows(name: string): Promise<Map<string, unknown>> {
  const { rows: stored } = await h.db.pool.query<{ key: string; data: unknown }>(
    `SELECT key, data FROM projections.${name} ORDER BY key`,
  );
  return new Map(stored.map((r) => [r.key, r.data]));
}
async function cleanFold(name: string): Promise<Map<string, unknown>> {
  const definition = READ_MODEL_PROJECTIONS.find((p) => p.name === name) as AnyProjection;
  const { rows: folded, deadLetters } = projectInMemory(definition, await h.wholeLog());
  expect(deadLetters).toEqual([]);
  return new Map([...folded].sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('complaint follow-ups across linked and merged ids', () => {
  it('before any link: answers under other ids do not follow the resolutions', async () => {
    await h.caughtUp(
      await append(h.store, [
        complaint('opened', X, at('02')),
        complaint('resolved', X, at('02', '12:00')),
        complaint('opened', Y, at('03')),
        complaint('resolved', Y, at('03', '12:00')),
        complaint('opened', Z, at('04')),
        complaint('resolved', Z, at('04', '12:00')),
        // The visitor answers 8 h after X's resolution, the duplicate 8 h after Y's.
        touchpoint({
          type: 'survey.csat',
          anonymousId: ANON,
          at: at('02', '20:00'),
          data: { score: 4 },
        }),
        survey('nps', DUP, at('03', '20:00'), 9),
        // Too late for Z (49 h after its resolution), from the customer's own stream.
        survey('ces', C, at('06', '13:00'), 2),
      ]),
    );
    expect(await cases()).toEqual([
      { id: 'X', surveyed: false, surveyAt: null, canonical: C },
      { id: 'Y', surveyed: false, surveyAt: null, canonical: C },
      { id: 'Z', surveyed: false, surveyAt: null, canonical: C },
    ]);
  });

  it('a linked anonymous stream and a merged duplicate: their answers follow', async () => {
    await h.caughtUp(
      await append(h.store, [
        touchpoint({
          type: 'identity.linked',
          customerId: C,
          at: at('07'),
          data: { anonymousId: ANON },
        }),
      ]),
    );
    await recordMerge('customer.merged', '08');
    expect(await cases()).toEqual([
      { id: 'X', surveyed: true, surveyAt: at('02', '20:00'), canonical: C },
      { id: 'Y', surveyed: true, surveyAt: at('03', '20:00'), canonical: C },
      { id: 'Z', surveyed: false, surveyAt: null, canonical: C },
    ]);
    // One follow-up row for the group, none left for the linked and merged streams.
    const followups = await rows(COMPLAINT_FOLLOWUP);
    expect(followups.has(`customer-${C}`)).toBe(true);
    expect(followups.has(`anonymous-${ANON}`)).toBe(false);
    expect(followups.has(`customer-${DUP}`)).toBe(false);
  });

  it('live rows equal a rebuild and a clean fold of the log', async () => {
    for (const name of [COMPLAINT_CASE, COMPLAINT_FOLLOWUP]) {
      const live = await rows(name);
      expect(live).toEqual(await cleanFold(name));
      const { generation } = await h.engine.rebuild(name);
      await h.engine.waitForRebuild(name, generation, { timeoutMs: 60_000 });
      expect(await rows(name)).toEqual(live);
    }
  });

  it("an unmerge takes the duplicate's answer back", async () => {
    await recordMerge('customer.unmerged', '09');
    expect(await cases()).toEqual([
      { id: 'X', surveyed: true, surveyAt: at('02', '20:00'), canonical: C },
      { id: 'Y', surveyed: false, surveyAt: null, canonical: C },
      { id: 'Z', surveyed: false, surveyAt: null, canonical: C },
    ]);
    for (const name of [COMPLAINT_CASE, COMPLAINT_FOLLOWUP])
      expect(await rows(name)).toEqual(await cleanFold(name));
  });
});
