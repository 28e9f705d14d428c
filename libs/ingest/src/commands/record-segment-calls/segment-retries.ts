import { EventIdConflictError, type RecordedEvent } from '@touchline/event-store';
import { streamIdFor, type Touchpoint } from '@touchline/touchpoints';
import type { RecordedTouchpoint } from '../record-touchpoints/record-touchpoints.command';

/** Rounds of "adopt the recorded times, append again" before a conflict is taken as real. */
const MAX_ROUNDS = 3;
/** Streams read at once while looking for the recorded times. */
const READ_CONCURRENCY = 8;

/**
 * Records Segment touchpoints so that a retried message is a duplicate even when its occurredAt
 * came out different. occurredAt is part of what the store compares, and for Segment calls it can
 * depend on the request: without a timestamp it is the receive time, and with a skewed client
 * clock it is corrected by receivedAt − sentAt, both new on every retry. So when the store
 * answers that an eventId is recorded with other content, each touchpoint already recorded takes
 * the time recorded first and the append runs again; if the content still differs (other data,
 * another type), the conflict is real and is thrown (409). The store is only read on this path,
 * which well-synchronised clients sending timestamps never take.
 */
export async function recordSegmentTouchpoints(
  touchpoints: Touchpoint[],
  record: (touchpoints: Touchpoint[]) => Promise<RecordedTouchpoint[]>,
  readStream: (streamId: string) => Promise<RecordedEvent[]>,
): Promise<RecordedTouchpoint[]> {
  let current = touchpoints;
  for (let round = 1; ; round++) {
    try {
      return await record(current);
    } catch (error) {
      if (!(error instanceof EventIdConflictError) || round > MAX_ROUNDS) throw error;
      const adopted = await withRecordedTimes(current, readStream);
      if (adopted === undefined) throw error;
      current = adopted;
    }
  }
}

/**
 * The touchpoints with the occurredAt the store recorded for their eventId, where that differs;
 * undefined when none differs (nothing to adopt: the conflict is about something else).
 */
export async function withRecordedTimes(
  touchpoints: Touchpoint[],
  readStream: (streamId: string) => Promise<RecordedEvent[]>,
): Promise<Touchpoint[] | undefined> {
  const wanted = new Map<string, Set<string>>();
  for (const touchpoint of touchpoints) {
    const streamId = streamIdFor(touchpoint);
    const ids = wanted.get(streamId) ?? new Set<string>();
    ids.add(touchpoint.eventId);
    wanted.set(streamId, ids);
  }
  const recordedAt = new Map<string, number>();
  const streams = [...wanted.keys()];
  for (let i = 0; i < streams.length; i += READ_CONCURRENCY) {
    const slice = streams.slice(i, i + READ_CONCURRENCY);
    const read = await Promise.all(slice.map((streamId) => readStream(streamId)));
    read.forEach((events, j) => {
      const ids = wanted.get(slice[j]!)!;
      for (const event of events) {
        if (ids.has(event.eventId) && event.occurredAt !== null)
          recordedAt.set(event.eventId, event.occurredAt.getTime());
      }
    });
  }
  const adopted = touchpoints.map((touchpoint) => {
    const recorded = recordedAt.get(touchpoint.eventId);
    if (recorded === undefined || recorded === Date.parse(touchpoint.occurredAt)) return touchpoint;
    return { ...touchpoint, occurredAt: new Date(recorded).toISOString() };
  });
  return adopted.some((touchpoint, i) => touchpoint !== touchpoints[i]) ? adopted : undefined;
}
