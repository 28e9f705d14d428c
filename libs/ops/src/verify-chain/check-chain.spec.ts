import { randomUUID } from 'node:crypto';
import { chainHash, recordDigest, type RecordedEvent } from '@touchline/event-store';
import { checkChain, type HeadReadings } from './check-chain';
import type { StreamHead } from './stream-heads.port';

const STREAM = 'customer-c-1';
const T0 = Date.parse('2026-03-01T00:00:00Z');

/** A stream as the store writes it: each hash links the previous one, revision and record time. */
function stream(length: number): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  for (let i = 0; i < length; i++) events.push(event(i, { amount: i }));
  return relink(events);
}

function event(revision: number, data: { [k: string]: number }): RecordedEvent {
  return {
    streamId: STREAM,
    revision,
    eventId: randomUUID(),
    type: 'purchase',
    version: 1,
    data,
    metadata: { source: 'test' },
    occurredAt: new Date(T0 + revision * 60_000),
    recordedAt: new Date(T0 + revision * 60_000 + 7),
    position: `1-${revision + 1}`,
    globalPosition: String(revision + 1),
    hash: null,
  };
}

/** Gives events well-formed links in their current order, as a tamperer who knows the formula. */
function relink(events: RecordedEvent[], from = 0): RecordedEvent[] {
  let previous: Buffer = from === 0 ? Buffer.alloc(0) : Buffer.from(events[from - 1]!.hash!, 'hex');
  for (let i = from; i < events.length; i++) {
    const e = events[i]!;
    const hash = chainHash(
      previous,
      recordDigest(STREAM, { ...e, occurredAt: e.occurredAt ?? undefined }),
      e.revision,
      e.recordedAt,
    );
    events[i] = { ...e, hash: hash.toString('hex') };
    previous = hash;
  }
  return events;
}

const headOf = (events: RecordedEvent[]): StreamHead => {
  const last = events[events.length - 1];
  return { streamId: STREAM, revision: last?.revision ?? -1, lastHash: last?.hash ?? '' };
};
const unchanged = (head: StreamHead): HeadReadings => ({ before: head, after: head });
const renumber = (events: RecordedEvent[], from: number, by: number) =>
  events.map((e) => (e.revision >= from ? { ...e, revision: e.revision + by } : e));
const forged = (revision: number): RecordedEvent => ({
  ...event(revision, { amount: 999 }),
  hash: 'ab'.repeat(32),
});

describe('checkChain', () => {
  it('passes an intact stream, with and without the head', () => {
    const events = stream(6);
    expect(checkChain(STREAM, events)).toEqual({
      streamId: STREAM,
      events: 6,
      ok: true,
      headChecked: false,
    });
    expect(checkChain(STREAM, events, unchanged(headOf(events)))).toMatchObject({
      ok: true,
      headChecked: true,
    });
    expect(checkChain(STREAM, [], { before: null, after: null }).ok).toBe(true);
  });

  it('passes a stream that grew between the two head readings', () => {
    const events = stream(6);
    const before = headOf(events.slice(0, 4));
    expect(checkChain(STREAM, events, { before, after: headOf(events) }).ok).toBe(true);
  });

  describe('changed', () => {
    it('a row whose content no longer matches its hash, while the next still chains from it', () => {
      const events = stream(6);
      events[2] = { ...events[2]!, data: { amount: 1000 } };
      const result = checkChain(STREAM, events);
      expect(result.firstBroken).toMatchObject({ revision: 2, reason: 'changed' });
      expect(result.firstBroken!.expected).toBe(events[2]!.hash);
      expect(result.firstBroken!.actual).toMatch(/^[0-9a-f]{64}$/);
      expect(result.firstBroken!.actual).not.toBe(events[2]!.hash);
    });

    it('the first and the last row, with or without the head', () => {
      const first = stream(4);
      first[0] = { ...first[0]!, metadata: { source: 'forger' } };
      expect(checkChain(STREAM, first).firstBroken).toMatchObject({
        revision: 0,
        reason: 'changed',
      });

      const last = stream(4);
      const head = headOf(last);
      last[3] = { ...last[3]!, type: 'refund' };
      expect(checkChain(STREAM, last).firstBroken).toMatchObject({
        revision: 3,
        reason: 'changed',
      });
      expect(checkChain(STREAM, last, unchanged(head)).firstBroken).toMatchObject({
        revision: 3,
        reason: 'changed',
      });
    });

    it('the last row rewritten with a recomputed hash: only the head tells', () => {
      const events = stream(4);
      const head = headOf(events);
      events[3] = { ...events[3]!, data: { amount: 0 } };
      relink(events, 3);
      expect(checkChain(STREAM, events).ok).toBe(true);
      expect(checkChain(STREAM, events, unchanged(head)).firstBroken).toEqual({
        revision: 3,
        reason: 'changed',
        expected: head.lastHash,
        actual: events[3]!.hash,
      });
    });
  });

  describe('deleted', () => {
    it('a row in the middle: a revision gap', () => {
      const events = stream(6);
      events.splice(2, 1);
      expect(checkChain(STREAM, events).firstBroken).toEqual({
        revision: 2,
        reason: 'deleted',
        expected: 'an event at revision 2',
        actual: 'the next event is at revision 3',
      });
    });

    it('a row in the middle, later revisions renumbered to close the gap', () => {
      const events = stream(6);
      events.splice(2, 1);
      const closed = renumber(events, 3, -1);
      expect(checkChain(STREAM, closed).firstBroken).toMatchObject({
        revision: 2,
        reason: 'deleted',
      });
    });

    it('the last row, renumbered or not: seen through the head only', () => {
      const events = stream(5);
      const head = headOf(events);
      events.pop();
      expect(checkChain(STREAM, events).ok).toBe(true);
      expect(checkChain(STREAM, events, unchanged(head)).firstBroken).toMatchObject({
        revision: 4,
        reason: 'deleted',
      });
    });

    it('the last but one, the last renumbered into its place', () => {
      const events = stream(5);
      const head = headOf(events);
      events.splice(3, 1);
      const closed = renumber(events, 4, -1);
      expect(checkChain(STREAM, closed, unchanged(head)).firstBroken).toMatchObject({
        revision: 3,
        reason: 'deleted',
      });
    });

    it('every row', () => {
      const head = headOf(stream(3));
      expect(checkChain(STREAM, [], unchanged(head)).firstBroken).toMatchObject({
        revision: 0,
        reason: 'deleted',
      });
    });
  });

  describe('inserted', () => {
    it('a forged row in the middle, later revisions renumbered', () => {
      const events = renumber(stream(6), 2, 1);
      events.splice(2, 0, forged(2));
      const result = checkChain(STREAM, events);
      expect(result.firstBroken).toMatchObject({ revision: 2, reason: 'inserted' });
      expect(result.firstBroken!.expected).toContain(events[3]!.eventId);
      expect(result.firstBroken!.actual).toContain(events[2]!.eventId);
    });

    it('a forged row with a well-formed link to the one before it', () => {
      const events = renumber(stream(6), 2, 1);
      events.splice(2, 0, forged(2));
      relink(events.slice(0, 3)).forEach((e, i) => (events[i] = e));
      const result = checkChain(STREAM, events);
      expect(result.firstBroken).toMatchObject({ revision: 2, reason: 'inserted' });
      expect(result.firstBroken!.actual).toContain(events[2]!.eventId);
    });

    it('a forged first row', () => {
      const events = renumber(stream(4), 0, 1);
      events.unshift(forged(0));
      expect(checkChain(STREAM, events).firstBroken).toMatchObject({
        revision: 0,
        reason: 'inserted',
      });
    });

    it('a forged row after the last: through the head, even with a well-formed link', () => {
      const events = stream(4);
      const head = headOf(events);
      events.push(forged(4));
      expect(checkChain(STREAM, events, unchanged(head)).firstBroken).toMatchObject({
        revision: 4,
        reason: 'inserted',
      });
      relink(events, 4);
      expect(checkChain(STREAM, events).ok).toBe(true);
      expect(checkChain(STREAM, events, unchanged(head)).firstBroken).toMatchObject({
        revision: 4,
        reason: 'inserted',
      });
    });
  });

  describe('reordered', () => {
    it('two adjacent rows swapped', () => {
      const events = stream(6);
      const [a, b] = [events[2]!, events[3]!];
      const swapped = [
        ...events.slice(0, 2),
        { ...b, revision: 2 },
        { ...a, revision: 3 },
        ...events.slice(4),
      ];
      const result = checkChain(STREAM, swapped);
      expect(result.firstBroken).toMatchObject({ revision: 2, reason: 'reordered' });
      expect(result.firstBroken!.expected).toContain(a.eventId);
      expect(result.firstBroken!.actual).toContain(b.eventId);
    });

    it('two distant rows swapped, and three rotated', () => {
      const events = stream(8);
      const swapped = events.map((e) =>
        e.revision === 1 ? { ...e, revision: 6 } : e.revision === 6 ? { ...e, revision: 1 } : e,
      );
      expect(checkChain(STREAM, swapped).firstBroken).toMatchObject({
        revision: 1,
        reason: 'reordered',
      });

      const rotated = events.map((e) =>
        e.revision >= 3 && e.revision <= 5
          ? { ...e, revision: e.revision === 3 ? 5 : e.revision - 1 }
          : e,
      );
      expect(checkChain(STREAM, rotated).firstBroken).toMatchObject({
        revision: 3,
        reason: 'reordered',
      });
    });

    it('a row moved past the end, leaving a hole', () => {
      const events = stream(5).map((e) => (e.revision === 1 ? { ...e, revision: 9 } : e));
      expect(checkChain(STREAM, events).firstBroken).toMatchObject({
        revision: 1,
        reason: 'reordered',
      });
    });
  });

  it('reports the earliest of several breaks', () => {
    const events = stream(8);
    events[5] = { ...events[5]!, data: { amount: -5 } };
    events.splice(2, 1);
    expect(checkChain(STREAM, events).firstBroken).toMatchObject({
      revision: 2,
      reason: 'deleted',
    });
  });

  // 20 000 events: a search quadratic in the stream's length would run past the test timeout.
  it('verifies a long stream, and a break near its end, in linear time', () => {
    const events = stream(20_000);
    expect(checkChain(STREAM, events).ok).toBe(true);
    events[19_000] = { ...events[19_000]!, data: { amount: 1 } };
    expect(checkChain(STREAM, events).firstBroken).toMatchObject({
      revision: 19_000,
      reason: 'changed',
    });
    const shifted = renumber(events, 100, 1);
    shifted.splice(100, 0, forged(100));
    expect(checkChain(STREAM, shifted).firstBroken).toMatchObject({
      revision: 100,
      reason: 'inserted',
    });
  });
});
