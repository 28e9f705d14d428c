import type { EventStore, RecordedEvent } from '@touchline/event-store';
import { resolveIdentityGroup } from '@touchline/ops';
import type { DataKeys, PersonalDataVault } from '@touchline/privacy';
import type { JourneyEvent } from '@touchline/touchpoints';
import { readJourneyEvent } from '../../projections/journey-event';
import {
  foldPersonalAttributes,
  PERSONAL_ATTRIBUTE_EVENT_TYPES,
  type AttributeEvent,
  type PersonalAttributes,
} from './personal-attributes';

export interface PersonalAttributesRead extends PersonalAttributes {
  /** The streams of the customer's group that were read. */
  streams: string[];
  /** erasedAt of the profile or, without customer.erased, when the keys were destroyed. */
  erasedAt: string | null;
}

/**
 * A customer's attributes with their values, from the store: the streams of the customer's group
 * as the identity links recorded in the store make it (the ops journey's resolver, so a visitor
 * claimed by another customer since is not read), their profile.updated and customer.erased
 * events in log order, profile.updated decrypted through the vault. The store has no index by
 * event type: the group's streams are read whole (one profile, a few hundred events).
 */
export async function readPersonalAttributes(
  store: EventStore,
  vault: PersonalDataVault,
  keys: DataKeys,
  customerId: string,
  knownNames: readonly string[],
): Promise<PersonalAttributesRead> {
  const { streams } = await resolveIdentityGroup(store, customerId);
  const recorded: RecordedEvent[] = [];
  for (const streamId of streams) {
    for (const event of await store.readStream(streamId)) {
      if (PERSONAL_ATTRIBUTE_EVENT_TYPES.includes(event.type)) recorded.push(event);
    }
  }
  recorded.sort((a, b) => store.compareCheckpoints(a.position, b.position));

  const events: AttributeEvent[] = [];
  for (const event of recorded) {
    const read = await attributeEvent(vault, event);
    if (read) events.push(read);
  }
  const fold = foldPersonalAttributes(events, knownNames);
  let erasedAt = fold.erasedAt;
  if (erasedAt === null && fold.erased > 0) {
    const destroyed = [...(await keys.destroyedAt(fold.erasedKeyIds)).values()];
    if (destroyed.length > 0)
      erasedAt = new Date(Math.max(...destroyed.map((d) => d.getTime()))).toISOString();
  }
  return { ...fold, erasedAt, streams };
}

async function attributeEvent(
  vault: PersonalDataVault,
  event: RecordedEvent,
): Promise<AttributeEvent | null> {
  const keyId = event.personal?.keyId;
  const opened = await vault.open(event);
  if (opened.personalData === 'erased') return { kind: 'unreadable', keyId: keyId! };
  let journeyEvent: JourneyEvent;
  try {
    // Upcast and checked by the catalogue, as the projection reads it.
    journeyEvent = readJourneyEvent(opened);
  } catch {
    // The projection dead-letters what it cannot read: such an event changes no attribute.
    return null;
  }
  if (journeyEvent.type === 'customer.erased')
    return { kind: 'erased', at: journeyEvent.occurredAt };
  if (journeyEvent.type === 'profile.updated')
    return { kind: 'updated', attributes: journeyEvent.data.attributes ?? {} };
  return null;
}
