import type { EventStore } from '@touchline/event-store';
import { resolveIdentityGroup } from '@touchline/ops';
import type { DataKeys, OpenedEvent, PersonalDataVault } from '@touchline/privacy';
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
 * event type: the group's streams are read whole (one profile, a few hundred events), each once:
 * the customer streams the resolver already read are taken from it, the others (the anonymous
 * ones) read together. The events' keys are fetched together too (vault.openAll).
 */
export async function readPersonalAttributes(
  store: EventStore,
  vault: PersonalDataVault,
  keys: DataKeys,
  customerId: string,
  knownNames: readonly string[],
): Promise<PersonalAttributesRead> {
  const { streams, read } = await resolveIdentityGroup(store, customerId);
  const perStream = await Promise.all(
    streams.map((streamId) => read.get(streamId) ?? store.readStream(streamId)),
  );
  const recorded = perStream
    .flat()
    .filter((event) => PERSONAL_ATTRIBUTE_EVENT_TYPES.includes(event.type))
    .sort((a, b) => store.compareCheckpoints(a.position, b.position));

  const opened = await vault.openAll(recorded);
  const events = opened.flatMap((event, i) => {
    const attribute = attributeEvent(event, recorded[i]!.personal?.keyId);
    return attribute ? [attribute] : [];
  });
  const fold = foldPersonalAttributes(events, knownNames);
  let erasedAt = fold.erasedAt;
  if (erasedAt === null && fold.erased > 0) {
    const destroyed = [...(await keys.destroyedAt(fold.erasedKeyIds)).values()];
    if (destroyed.length > 0)
      erasedAt = new Date(Math.max(...destroyed.map((d) => d.getTime()))).toISOString();
  }
  return { ...fold, erasedAt, streams };
}

function attributeEvent(opened: OpenedEvent, keyId: string | undefined): AttributeEvent | null {
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
