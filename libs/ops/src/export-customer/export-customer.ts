import type { EventStore, RecordedEvent } from '@touchline/event-store';
import type { PersonalDataVault } from '@touchline/privacy';
import type { JourneyStreams } from '../replay-journey/journey-streams';
import { replayed, type ReplayedEvent, type Upcast } from '../replay-journey/replay-journey';

export interface CustomerExport {
  customerId: string;
  exportedAt: Date;
  /** The customer's stream and every linked or merged id's stream. */
  streams: string[];
  /** Every event of those streams, in recording order, personal fields decrypted. */
  events: ReplayedEvent[];
  /** How many events had personal fields that were erased (unreadable for good). */
  erasedEvents: number;
}

/**
 * Subject access (GDPR art. 15): everything the store holds about the customer, decrypted, from
 * the store itself (never a read model). Null when the customer has no events.
 */
export async function exportCustomer(
  store: EventStore,
  vault: PersonalDataVault,
  streams: JourneyStreams,
  customerId: string,
  upcast?: Upcast,
): Promise<CustomerExport | null> {
  const streamIds = await streams(customerId, undefined);
  const recorded: RecordedEvent[] = [];
  for (const streamId of streamIds) recorded.push(...(await store.readStream(streamId)));
  if (recorded.length === 0) return null;
  recorded.sort(
    (a, b) =>
      a.recordedAt.getTime() - b.recordedAt.getTime() ||
      a.streamId.localeCompare(b.streamId) ||
      a.revision - b.revision,
  );
  const events = (await vault.openAll(recorded)).map((event) => replayed(event, upcast));
  return {
    customerId,
    exportedAt: new Date(),
    streams: streamIds,
    events,
    erasedEvents: events.filter((e) => e.personalData === 'erased').length,
  };
}
