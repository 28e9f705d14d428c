import { EventIdConflictError, type RecordedEvent } from '@touchline/event-store';
import { streamIdFor, type Touchpoint } from '@touchline/touchpoints';
import type { RecordedTouchpoint } from '../record-touchpoints/record-touchpoints.command';
import { recordSegmentTouchpoints } from './segment-retries';

/**
 * A store that behaves as the real one does for idempotency: an eventId already recorded with the
 * same content is a duplicate, with other content a conflict, and a conflicting batch writes nothing.
 */
class FakeStore {
  readonly events = new Map<string, Touchpoint>();
  appends = 0;
  reads: string[] = [];

  record = async (touchpoints: Touchpoint[]): Promise<RecordedTouchpoint[]> => {
    this.appends++;
    for (const t of touchpoints) {
      const stored = this.events.get(t.eventId);
      if (stored !== undefined && JSON.stringify(stored) !== JSON.stringify(t))
        throw new EventIdConflictError(streamIdFor(t), t.eventId);
    }
    return touchpoints.map((t, revision) => {
      const status = this.events.has(t.eventId) ? 'duplicate' : 'appended';
      this.events.set(t.eventId, t);
      return { eventId: t.eventId, status, stream: streamIdFor(t), revision, position: '0-0' };
    });
  };

  readStream = async (streamId: string): Promise<RecordedEvent[]> => {
    this.reads.push(streamId);
    return [...this.events.values()]
      .filter((t) => streamIdFor(t) === streamId)
      .map((t, revision) => ({
        streamId,
        revision,
        eventId: t.eventId,
        type: t.type,
        version: 1,
        data: {},
        metadata: {},
        occurredAt: new Date(t.occurredAt),
        recordedAt: new Date(),
        position: '0-0',
        globalPosition: '0',
        hash: null,
      }));
  };
}

const touchpoint = (eventId: string, occurredAt: string, name = 'Wishlist Shared'): Touchpoint => ({
  eventId,
  type: 'custom',
  occurredAt,
  customerId: `c-${eventId.slice(0, 4)}`,
  channel: 'app',
  data: { name },
  metadata: { source: 'segment:shop' },
});

const A = 'aaaaaaaa-0000-4000-8000-000000000000';
const B = 'bbbbbbbb-0000-4000-8000-000000000000';

describe('recording Segment touchpoints', () => {
  it('appends once, without reading the store, when nothing conflicts', async () => {
    const store = new FakeStore();
    await recordSegmentTouchpoints(
      [touchpoint(A, '2026-03-14T14:00:00.000Z')],
      store.record,
      store.readStream,
    );
    expect(store.appends).toBe(1);
    expect(store.reads).toEqual([]);
  });

  it('makes a retry whose corrected time differs a duplicate, keeping the time recorded first', async () => {
    const store = new FakeStore();
    await recordSegmentTouchpoints(
      [touchpoint(A, '2026-03-14T14:00:00.000Z')],
      store.record,
      store.readStream,
    );
    // The retry: the same message, corrected by another receivedAt − sentAt, with a new one beside it.
    const retry = [
      touchpoint(A, '2026-03-14T14:00:00.412Z'),
      touchpoint(B, '2026-03-14T14:00:01.000Z'),
    ];
    const recorded = await recordSegmentTouchpoints(retry, store.record, store.readStream);
    expect(recorded.map((r) => [r.eventId, r.status])).toEqual([
      [A, 'duplicate'],
      [B, 'appended'],
    ]);
    expect(store.events.get(A)!.occurredAt).toBe('2026-03-14T14:00:00.000Z');
    expect(store.events.size).toBe(2);
    expect(store.reads.sort()).toEqual([streamIdFor(retry[0]!), streamIdFor(retry[1]!)].sort());
  });

  it('lets a real conflict through: same messageId, other content', async () => {
    const store = new FakeStore();
    await recordSegmentTouchpoints(
      [touchpoint(A, '2026-03-14T14:00:00.000Z')],
      store.record,
      store.readStream,
    );
    await expect(
      recordSegmentTouchpoints(
        [touchpoint(A, '2026-03-14T14:00:00.000Z', 'Other Event')],
        store.record,
        store.readStream,
      ),
    ).rejects.toBeInstanceOf(EventIdConflictError);
    // Other content and another time: the time is adopted, then the content still conflicts.
    await expect(
      recordSegmentTouchpoints(
        [touchpoint(A, '2026-03-14T15:00:00.000Z', 'Other Event')],
        store.record,
        store.readStream,
      ),
    ).rejects.toBeInstanceOf(EventIdConflictError);
    expect(store.events.get(A)!.data).toEqual({ name: 'Wishlist Shared' });
  });

  it('passes any other failure on untouched', async () => {
    const unavailable = new Error('store unavailable');
    const failing = async () => {
      throw unavailable;
    };
    const store = new FakeStore();
    await expect(
      recordSegmentTouchpoints(
        [touchpoint(A, '2026-03-14T14:00:00.000Z')],
        failing,
        store.readStream,
      ),
    ).rejects.toBe(unavailable);
    expect(store.reads).toEqual([]);
  });
});
