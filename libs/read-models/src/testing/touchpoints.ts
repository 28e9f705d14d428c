import { randomUUID } from 'node:crypto';
import type { EventStore, JsonObject, RecordedEvent } from '@touchline/event-store';
import {
  toEventToAppend,
  validateJourneyEvent,
  type Channel,
  type JourneyEvent,
} from '@touchline/touchpoints';

/** Shared by the specs of this library (testing/ is left out of builds and of index.ts). */

export interface TouchpointSpec {
  type: string;
  at: string;
  customerId?: string;
  anonymousId?: string;
  channel?: Channel;
  sentiment?: number;
  data?: JsonObject;
  eventId?: string;
}

/**
 * A journey event as a producer would send it, checked by the catalogue, so that the fixtures of
 * these specs are events ingestion would accept (system events included, as operations would).
 */
export function touchpoint(spec: TouchpointSpec): JourneyEvent {
  const input: Record<string, unknown> = {
    eventId: spec.eventId ?? randomUUID(),
    type: spec.type,
    occurredAt: spec.at,
    channel: spec.channel ?? 'web',
    data: spec.data ?? {},
    metadata: { source: 'spec' },
  };
  if (spec.customerId !== undefined) input.customerId = spec.customerId;
  if (spec.anonymousId !== undefined) input.anonymousId = spec.anonymousId;
  if (spec.sentiment !== undefined) input.sentiment = spec.sentiment;
  const result = validateJourneyEvent(input);
  if (!result.ok) throw new Error(`invalid fixture ${spec.type}: ${JSON.stringify(result.errors)}`);
  return result.touchpoint;
}

/** The events as the store would record them, for pure folds (projectInMemory). */
export function recorded(events: readonly JourneyEvent[]): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return events.map((journeyEvent, i) => {
    const { streamId, event } = toEventToAppend(journeyEvent);
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    return {
      streamId,
      revision,
      eventId: event.eventId,
      type: event.type,
      version: event.version ?? 1,
      data: event.data,
      metadata: event.metadata ?? {},
      occurredAt: event.occurredAt ?? null,
      recordedAt: new Date('2026-06-01T00:00:00Z'),
      position: `1-${i + 1}`,
      globalPosition: String(i + 1),
      hash: null,
    };
  });
}

/** Appends in order, one append per run of events of the same stream; the last position. */
export async function append(store: EventStore, events: readonly JourneyEvent[]): Promise<string> {
  let last: string | null = null;
  let i = 0;
  while (i < events.length) {
    const { streamId } = toEventToAppend(events[i]!);
    const run = [];
    while (i < events.length && toEventToAppend(events[i]!).streamId === streamId) {
      run.push(toEventToAppend(events[i]!).event);
      i++;
    }
    const result = await store.appendToStream(streamId, run, 'any');
    last = result.events[result.events.length - 1]!.position;
  }
  if (last === null) throw new Error('nothing to append');
  return last;
}

export const purchase = (
  customerId: string,
  at: string,
  amount: number,
  extra: Partial<TouchpointSpec> = {},
) =>
  touchpoint({
    type: 'purchase',
    customerId,
    at,
    data: { orderId: `o-${randomUUID().slice(0, 8)}`, amount, currency: 'EUR' },
    ...extra,
  });

export const survey = (
  kind: 'nps' | 'csat' | 'ces',
  customerId: string,
  at: string,
  score: number,
  extra: Partial<TouchpointSpec> & { touchpointRef?: string; comment?: string } = {},
) => {
  const data: JsonObject = { score };
  if (extra.touchpointRef !== undefined) data.touchpointRef = extra.touchpointRef;
  if (extra.comment !== undefined) data.comment = extra.comment;
  return touchpoint({ type: `survey.${kind}`, customerId, at, channel: extra.channel, data });
};
