import { Inject, Optional } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  EVENT_STORE,
  type EventStore,
  type EventToAppend,
  type StreamAppend,
} from '@touchline/event-store';
import { PersonalDataVault } from '@touchline/privacy';
import { toEventToAppend, type Touchpoint } from '@touchline/touchpoints';
import { INGEST_OBSERVER, notify, type IngestObserver } from '../../ingest.observer';
import { RecordTouchpointsCommand, type RecordedTouchpoint } from './record-touchpoints.command';

/**
 * decide → append. A touchpoint is a fact that already happened somewhere else: no state of the
 * customer's stream can make it untrue, and producers deliver out of order, so the decision takes
 * no lock on the stream's state (expectedRevision 'any'); the store still numbers each stream
 * gap-free and dedupes by event id. One touchpoint is one append, group-committed with others;
 * a batch is one all-or-nothing append across its customers' streams.
 */
@CommandHandler(RecordTouchpointsCommand)
export class RecordTouchpointsHandler implements ICommandHandler<RecordTouchpointsCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: PersonalDataVault,
    @Optional() @Inject(INGEST_OBSERVER) private readonly observer: IngestObserver | null = null,
  ) {}

  async execute({ touchpoints }: RecordTouchpointsCommand): Promise<RecordedTouchpoint[]> {
    if (touchpoints.length === 0) return [];
    if (!this.observer) return this.record(touchpoints);
    const started = performance.now();
    try {
      const recorded = await this.record(touchpoints);
      const seconds = (performance.now() - started) / 1000;
      const statuses = recorded.map((r) => r.status);
      notify(this.observer, (o) => o.recorded(touchpoints, { statuses }, seconds));
      return recorded;
    } catch (error) {
      const seconds = (performance.now() - started) / 1000;
      notify(this.observer, (o) => o.recorded(touchpoints, { error }, seconds));
      throw error;
    }
  }

  private async record(touchpoints: Touchpoint[]): Promise<RecordedTouchpoint[]> {
    // Personal fields leave `data` here, encrypted with the customer's key (docs/privacy.md).
    const events = await this.vault.sealMany(touchpoints.map((t) => toEventToAppend(t)));
    if (events.length === 1) {
      const { streamId, event } = events[0]!;
      const result = await this.store.appendToStream(streamId, [event], 'any');
      return [toRecorded(streamId, result.events[0]!)];
    }
    // One part per stream, keeping each stream's events in the order they came.
    const parts = new Map<string, EventToAppend[]>();
    for (const { streamId, event } of events) {
      const part = parts.get(streamId) ?? [];
      part.push(event);
      parts.set(streamId, part);
    }
    const appends: StreamAppend[] = [...parts].map(([streamId, partEvents]) => ({
      streamId,
      events: partEvents,
      expectedRevision: 'any',
    }));
    const results = await this.store.appendToStreams(appends);
    const byEventId = new Map<string, RecordedTouchpoint>();
    for (const result of results) {
      for (const appended of result.events)
        byEventId.set(appended.eventId, toRecorded(result.streamId, appended));
    }
    return events.map(({ event }) => byEventId.get(event.eventId)!);
  }
}

function toRecorded(
  stream: string,
  appended: {
    eventId: string;
    status: 'appended' | 'duplicate';
    revision: number;
    position: string;
  },
): RecordedTouchpoint {
  return {
    eventId: appended.eventId,
    status: appended.status,
    stream,
    revision: appended.revision,
    position: appended.position,
  };
}
