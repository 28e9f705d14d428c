import {
  BACKWARDS,
  END,
  StreamNotFoundError,
  type EventStoreDBClient,
  type ReadStreamOptions,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';

/** The events of a read; [] for a stream that does not exist (the client throws for that). */
export async function readEvents(
  client: EventStoreDBClient,
  streamId: string,
  options: ReadStreamOptions,
): Promise<EsdbRecordedEvent[]> {
  const events: EsdbRecordedEvent[] = [];
  try {
    for await (const resolved of client.readStream(streamId, options)) {
      if (resolved.event) events.push(resolved.event);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return events;
}

/** The revision of the stream's last event; -1 when it has none. */
export async function readHead(client: EventStoreDBClient, streamId: string): Promise<number> {
  const [last] = await readEvents(client, streamId, {
    direction: BACKWARDS,
    fromRevision: END,
    maxCount: 1,
  });
  return last ? Number(last.revision) : -1;
}

export async function readEventAt(
  client: EventStoreDBClient,
  streamId: string,
  revision: number,
): Promise<EsdbRecordedEvent | null> {
  const [event] = await readEvents(client, streamId, {
    fromRevision: BigInt(revision),
    maxCount: 1,
  });
  return event && Number(event.revision) === revision ? event : null;
}
