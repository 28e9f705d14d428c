import type { EventStore, JsonObject, JsonValue, RecordedEvent } from '@touchline/event-store';
import { HashChainUnavailableError } from '../errors';
import type { StreamVerification } from '../verify-chain/check-chain';
import type { StreamHeads } from '../verify-chain/stream-heads.port';
import { verifyStream } from '../verify-chain/verify-stream';
import { ownStreamOnly, type JourneyStreams } from './journey-streams';

/** Lifts an event's data to the current version of its type (the touchpoint upcasters). */
export type Upcast = (event: {
  type: string;
  version: number;
  data: JsonObject;
  metadata: JsonObject;
}) => { version: number; data: JsonObject };

export interface ReplayJourneyOptions {
  /** Only events the store had recorded at or before this instant. Default: now. */
  asOf?: Date;
  /** Only events that occurred at or after this instant (inclusive). */
  from?: Date;
  /** Only events that occurred before this instant (exclusive). */
  to?: Date;
  heads?: StreamHeads | null;
  streams?: JourneyStreams;
  upcast?: Upcast;
  /** Decrypts personal fields (docs/privacy.md); without it events are shown as stored. */
  open?: OpenPersonalData;
}

/**
 * Merges an event's personal fields back into its data (the privacy library's vault), or says
 * they were erased. The hash chain is still verified over the events as stored.
 */
export type OpenPersonalData = (
  event: RecordedEvent,
) => Promise<RecordedEvent & { personalData: PersonalDataState }>;

/** none: no personal fields; decrypted: in data; erased: gone for good; encrypted: not opened. */
export type PersonalDataState = 'none' | 'decrypted' | 'erased' | 'encrypted';

export interface ReplayedEvent {
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  /** The version of `data` as returned: the current one when an upcaster lifted it. */
  version: number;
  /** The version as recorded. */
  storedVersion: number;
  occurredAt: Date | null;
  recordedAt: Date;
  /** metadata.source: the producing system. */
  producer: string | null;
  correlationId: string | null;
  causationId: string | null;
  data: JsonObject;
  metadata: JsonObject;
  /** Why the data is shown as recorded rather than upcast (an unknown type or version). */
  upcastError?: string;
  /**
   * The event's personal fields: none; decrypted (in data); erased (the customer's key was
   * destroyed: absent from data); encrypted (not decrypted: no vault given).
   */
  personalData: PersonalDataState;
}

export interface JourneyReplay {
  customerId: string;
  streams: string[];
  asOf: Date | null;
  from: Date | null;
  to: Date | null;
  /** Events recorded by asOf, before the occurred-time filter. */
  recorded: number;
  events: ReplayedEvent[];
  /**
   * Each stream's hash chain as it stands now (not as of asOf: tampering after asOf matters as
   * much); null when the store keeps no hash chain.
   */
  integrity: { ok: boolean; streams: StreamVerification[] } | null;
}

/**
 * A customer's journey from the event store itself, as it stood at `asOf` by recording time,
 * filtered by occurred time. Null when the store had no event of the customer by then. Events
 * without an occurred time are filtered by their recording time.
 */
export async function replayJourney(
  store: EventStore,
  customerId: string,
  { asOf, from, to, heads, streams = ownStreamOnly, upcast, open }: ReplayJourneyOptions = {},
): Promise<JourneyReplay | null> {
  const streamIds = await streams(customerId, asOf);
  const recorded: RecordedEvent[] = [];
  for (const streamId of streamIds) recorded.push(...(await store.readStream(streamId, { asOf })));
  if (recorded.length === 0) return null;
  if (streamIds.length > 1) {
    recorded.sort(
      (a, b) =>
        a.recordedAt.getTime() - b.recordedAt.getTime() ||
        a.streamId.localeCompare(b.streamId) ||
        a.revision - b.revision,
    );
  }
  const inWindow = recorded.filter((event) => {
    const at = (event.occurredAt ?? event.recordedAt).getTime();
    return (!from || at >= from.getTime()) && (!to || at < to.getTime());
  });

  let integrity: JourneyReplay['integrity'] = null;
  try {
    const results: StreamVerification[] = [];
    for (const streamId of streamIds) results.push(await verifyStream(store, streamId, { heads }));
    integrity = { ok: results.every((r) => r.ok), streams: results };
  } catch (error) {
    if (!(error instanceof HashChainUnavailableError)) throw error;
  }

  return {
    customerId,
    streams: streamIds,
    asOf: asOf ?? null,
    from: from ?? null,
    to: to ?? null,
    recorded: recorded.length,
    events: await Promise.all(
      inWindow.map(async (event) => replayed(await opened(event, open), upcast)),
    ),
    integrity,
  };
}

const text = (value: JsonValue | undefined): string | null =>
  typeof value === 'string' ? value : null;

async function opened(
  event: RecordedEvent,
  open: OpenPersonalData | undefined,
): Promise<RecordedEvent & { personalData: PersonalDataState }> {
  if (!event.personal) return { ...event, personalData: 'none' };
  if (!open) return { ...event, personalData: 'encrypted' };
  return open(event);
}

/** An event as the audit shows it: upcast, with its envelope's ids pulled out. */
export function replayed(
  event: RecordedEvent & { personalData: PersonalDataState },
  upcast: Upcast | undefined,
): ReplayedEvent {
  let version = event.version;
  let data = event.data;
  let upcastError: string | undefined;
  if (upcast) {
    try {
      ({ version, data } = upcast(event));
    } catch (error) {
      // An audit shows every event; one this code cannot lift is shown as recorded, and says so.
      upcastError = error instanceof Error ? error.message : String(error);
    }
  }
  return {
    streamId: event.streamId,
    revision: event.revision,
    eventId: event.eventId,
    type: event.type,
    version,
    storedVersion: event.version,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    producer: text(event.metadata.source),
    correlationId: text(event.metadata.correlationId),
    causationId: text(event.metadata.causationId),
    data,
    metadata: event.metadata,
    ...(upcastError ? { upcastError } : {}),
    personalData: event.personalData,
  };
}
