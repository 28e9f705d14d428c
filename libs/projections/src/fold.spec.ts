import type { JsonObject, RecordedEvent } from '@touchline/event-store';
import { foldCandidates, projectInMemory, selectCandidates } from './fold';
import { defineProjection } from './projection.definition';
import type { SourceRecord } from './source.port';

let position = 0;
function recorded(
  streamId: string,
  revision: number,
  type: string,
  data: JsonObject = {},
): RecordedEvent {
  position++;
  return {
    streamId,
    revision,
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    type,
    version: 1,
    data,
    metadata: {},
    occurredAt: null,
    recordedAt: new Date(),
    position: `1-${position}`,
    globalPosition: String(position),
    hash: null,
  };
}
const records = (...events: RecordedEvent[]): SourceRecord[] =>
  events.map((event) => ({ event, cursor: event.position }));

type Counter = { n: number };
const counter = defineProjection<Counter>({
  name: 'counter',
  version: 1,
  handles: ['tick', 'bad'],
  rowKey: (e) => (e.data.keys as string[] | undefined) ?? e.streamId,
  evolve(row, e) {
    if (e.type === 'bad' && (row?.n ?? 0) >= 1) throw new Error('bad event');
    return { n: (row?.n ?? 0) + 1 };
  },
});

describe('selectCandidates', () => {
  it('skips other types, events at or below the applied revision, and redeliveries inside the batch', () => {
    const a0 = recorded('a', 0, 'tick');
    const a1 = recorded('a', 1, 'tick');
    const b0 = recorded('b', 0, 'other');
    const candidates = selectCandidates(counter, records(a0, b0, a1, a1), new Map([['a', 0]]));
    expect(candidates.map((c) => [c.index, c.event.revision])).toEqual([[2, 1]]);
  });

  it('turns a throwing rowKey into a poison candidate', () => {
    const broken = defineProjection<Counter>({
      ...counter,
      rowKey: () => {
        throw new Error('no key');
      },
    });
    const [candidate] = selectCandidates(broken, records(recorded('a', 0, 'tick')), new Map());
    expect(candidate!.keyError).toBeInstanceOf(Error);
  });
});

describe('foldCandidates', () => {
  it('applies an event to all of its rows or to none', () => {
    const rows = new Map<string, JsonObject | null>([
      ['x', { n: 1 }],
      ['y', null],
    ]);
    const events = records(recorded('s', 0, 'bad', { keys: ['y', 'x'] }));
    const result = foldCandidates(
      counter,
      'dead-letter',
      selectCandidates(counter, events, new Map()),
      rows,
    );
    // y (n 0) would have succeeded, x (n 1) throws: neither changes.
    expect(result.writes.size).toBe(0);
    expect(rows.get('y')).toBeNull();
    expect(result.deadLetters.map((d) => d.reason)).toEqual(['Error: bad event']);
    expect(result.revisions.get('s')).toBe(0);
  });

  it("stops at the poison event under 'stop', keeping what came before", () => {
    const events = records(
      recorded('a', 0, 'tick'),
      recorded('a', 1, 'bad'),
      recorded('b', 0, 'tick'),
    );
    const rows = new Map<string, JsonObject | null>([
      ['a', null],
      ['b', null],
    ]);
    const result = foldCandidates(
      counter,
      'stop',
      selectCandidates(counter, events, new Map()),
      rows,
    );
    expect(result.stop).toMatchObject({ index: 1, reason: 'Error: bad event' });
    expect([...result.writes.keys()]).toEqual(['a']);
    expect(result.revisions).toEqual(new Map([['a', 0]]));
  });

  it('treats forced events (refused by the database) as poison', () => {
    const events = records(recorded('a', 0, 'tick'));
    const result = foldCandidates(
      counter,
      'dead-letter',
      selectCandidates(counter, events, new Map()),
      new Map(),
      new Map([[0, 'refused']]),
    );
    expect(result.deadLetters).toHaveLength(1);
    expect(result.applied).toBe(0);
  });

  it('freezes rows, so that an evolve mutating its input is caught as poison', () => {
    const mutating = defineProjection<Counter>({
      ...counter,
      evolve(row) {
        if (row) {
          row.n++;
          return row;
        }
        return { n: 1 };
      },
    });
    const result = projectInMemory({ ...mutating, onPoison: 'dead-letter' }, [
      recorded('a', 0, 'tick'),
      recorded('a', 1, 'tick'),
    ]);
    expect(result.rows.get('a')).toEqual({ n: 1 });
    expect(result.deadLetters[0]!.reason).toMatch(/read.only/);
  });
});

describe('defineProjection', () => {
  it('refuses names that would collide with the engine or another build', () => {
    for (const name of ['registry', 'Bad', 'x_v1_g2', 'a'.repeat(33)]) {
      expect(() => defineProjection({ ...counter, name })).toThrow(TypeError);
    }
    expect(() => defineProjection({ ...counter, handles: [] })).toThrow(/handles/);
    expect(() => defineProjection({ ...counter, version: 0 })).toThrow(/version/);
  });
});
