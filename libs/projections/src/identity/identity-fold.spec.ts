import type { JsonObject, RecordedEvent } from '@touchline/event-store';
import { projectInMemory } from '../fold';
import { groupTotals as totals } from '../testing/group-totals.fixture';
import { foldWithIdentity, IdentityFoldNeedsError } from './identity-fold';
import { IdentityGraph } from './identity-graph';

function log(spec: [stream: string, type: string, data: JsonObject][]): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return spec.map(([streamId, type, data], i) => {
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    return {
      streamId,
      revision,
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      type,
      version: 1,
      data,
      metadata: {},
      occurredAt: null,
      recordedAt: new Date(0),
      position: String(i + 1).padStart(8, '0'),
      globalPosition: String(i + 1),
      hash: null,
    };
  });
}

const buy = (stream: string, cents: number): [string, string, JsonObject] => [
  stream,
  'purchase',
  { cents },
];
const merge = (stream: string, survivor: string, merged: string): [string, string, JsonObject] => [
  stream,
  'merged',
  { survivor, merged },
];
const unmerge = (
  stream: string,
  survivor: string,
  merged: string,
): [string, string, JsonObject] => [stream, 'unmerged', { survivor, merged }];

const rows = (events: RecordedEvent[]) => Object.fromEntries(projectInMemory(totals, events).rows);

/**
 * The engine's loop in memory: batches of `size`, rows and revisions stored between them, every
 * need of the fold loaded on demand, streams read from the whole log (later events included, as
 * the store would return them).
 */
function projectInBatches(events: RecordedEvent[], size: number, store = events) {
  const stored = new Map<string, JsonObject>();
  const applied = new Map<string, number>();
  let links = new IdentityGraph().links();
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  let loads = 0;
  for (let start = 0; start < events.length; start += size) {
    const records = events
      .slice(start, start + size)
      .map((event) => ({ event, cursor: event.position }));
    const rowsLoaded = new Set<string>();
    const revisionsLoaded = new Set(records.map((r) => r.event.streamId));
    const streamsRead = new Set<string>();
    for (;;) {
      try {
        const folded = foldWithIdentity({
          definition: totals,
          policy: 'dead-letter',
          records,
          graph: new IdentityGraph(links),
          stored: (key) => (rowsLoaded.has(key) ? (stored.get(key) ?? null) : undefined),
          appliedRevision: (s) => (revisionsLoaded.has(s) ? (applied.get(s) ?? null) : undefined),
          history: (streams, upTo, appliedOf) => {
            const missing = streams.filter((s) => !streamsRead.has(s));
            if (missing.length > 0) return { missing };
            return {
              events: store.filter(
                (e) =>
                  streams.includes(e.streamId) &&
                  (compare(e.position, upTo.position) <= 0 ||
                    e.revision <= (appliedOf.get(e.streamId) ?? -1)),
              ),
            };
          },
        });
        for (const [key, { row }] of folded.writes) {
          if (row === null) stored.delete(key);
          else stored.set(key, row);
        }
        for (const [s, r] of folded.revisions) applied.set(s, r);
        links = folded.graph.links();
        break;
      } catch (error) {
        if (!(error instanceof IdentityFoldNeedsError)) throw error;
        loads++;
        for (const key of error.rows) rowsLoaded.add(key);
        for (const s of error.revisions) revisionsLoaded.add(s);
        for (const s of error.streams) streamsRead.add(s);
      }
    }
  }
  return { rows: Object.fromEntries(stored), links, loads };
}

describe('foldWithIdentity', () => {
  const history = log([
    buy('c-m', 100),
    buy('c-s', 10),
    buy('a-x', 7),
    buy('c-m', 200),
    merge('c-s', 's', 'm'),
    merge('c-m', 's', 'm'),
    buy('c-m', 1000), // after the merge: counts for s
    ['c-s', 'linked', { anonymous: 'x' }], // earlier anonymous events count from now on
    buy('c-s', 1),
  ]);

  it('folds merged and linked streams into the survivor, the duplicate pointing at it', () => {
    expect(rows(history)).toEqual({
      s: { customer: 's', counts: null, purchases: 6, cents: 1318 },
      m: { customer: 'm', counts: 's', purchases: 0, cents: 0 },
    });
  });

  it('an unmerge splits the rows back exactly as if never merged', () => {
    const split = [
      ...history,
      ...tail(history, [unmerge('c-s', 's', 'm'), unmerge('c-m', 's', 'm')]),
    ];
    expect(rows(split)).toEqual({
      s: { customer: 's', counts: null, purchases: 3, cents: 18 },
      m: { customer: 'm', counts: null, purchases: 3, cents: 1300 },
    });
  });

  it('chains: a merged into b merged into c counts for c; unmerging b takes a along', () => {
    const chain = log([
      buy('c-a', 1),
      buy('c-b', 10),
      buy('c-c', 100),
      merge('c-b', 'b', 'a'),
      merge('c-a', 'b', 'a'),
      merge('c-c', 'c', 'b'),
      merge('c-b', 'c', 'b'),
      buy('c-a', 1000),
    ]);
    expect(rows(chain)).toEqual({
      c: { customer: 'c', counts: null, purchases: 4, cents: 1111 },
      b: { customer: 'b', counts: 'c', purchases: 0, cents: 0 },
      a: { customer: 'a', counts: 'c', purchases: 0, cents: 0 },
    });
    const undone = [...chain, ...tail(chain, [unmerge('c-c', 'c', 'b'), unmerge('c-b', 'c', 'b')])];
    expect(rows(undone)).toEqual({
      c: { customer: 'c', counts: null, purchases: 1, cents: 100 },
      b: { customer: 'b', counts: null, purchases: 3, cents: 1011 },
      a: { customer: 'a', counts: 'b', purchases: 0, cents: 0 },
    });
  });

  it('gives the same rows whatever the batches, and redelivery changes nothing', () => {
    const split = [
      ...history,
      ...tail(history, [unmerge('c-s', 's', 'm'), buy('c-m', 5), unmerge('c-m', 's', 'm')]),
    ];
    const expected = rows(split);
    for (const size of [1, 2, 3, 5, 100]) {
      const batched = projectInBatches(split, size);
      expect(batched.rows).toEqual(expected);
      expect(batched.loads).toBeGreaterThan(0);
    }
    const twice = projectInBatches([...split, ...split.slice(3)], 4, split);
    expect(twice.rows).toEqual(expected);
  });

  it('a poison event of a merged stream is left out of the new fold as it was of the old one', () => {
    const poisoned = log([buy('c-m', 5), buy('c-m', -1), buy('c-s', 1), merge('c-s', 's', 'm')]);
    const { rows: out, deadLetters } = projectInMemory(totals, poisoned);
    expect(deadLetters.map((d) => d.event.revision)).toEqual([1]);
    expect(Object.fromEntries(out).s).toEqual({
      customer: 's',
      counts: null,
      purchases: 2,
      cents: 6,
    });
  });

  it('passes over events it neither handles nor takes links from, without asking for their revisions', () => {
    const events = log([
      buy('c-a', 3),
      ['c-b', 'browse', {}],
      ['c-x', 'page.viewed', {}],
      buy('c-a', 4),
    ]);
    const asked: string[] = [];
    const folded = foldWithIdentity({
      definition: totals,
      policy: 'dead-letter',
      records: events.map((event) => ({ event, cursor: event.position })),
      graph: new IdentityGraph(),
      stored: () => null,
      appliedRevision: (stream) => {
        asked.push(stream);
        return stream === 'c-a' ? null : undefined;
      },
      history: () => ({ events: [] }),
    });
    expect(asked.every((s) => s === 'c-a')).toBe(true);
    expect(folded.revisions).toEqual(new Map([['c-a', 1]]));
    expect(folded.writes.get('a')?.row).toEqual({
      customer: 'a',
      counts: null,
      purchases: 2,
      cents: 7,
    });
  });
});

/** More events after `events`, numbered on from them. */
function tail(events: RecordedEvent[], spec: [string, string, JsonObject][]): RecordedEvent[] {
  const all = log([
    ...events.map((e) => [e.streamId, e.type, e.data] as [string, string, JsonObject]),
    ...spec,
  ]);
  return all.slice(events.length);
}
