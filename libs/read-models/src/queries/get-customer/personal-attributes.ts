import type { JsonObject, JsonValue } from '@touchline/event-store';

/** What an attribute shows when the key that encrypted its latest value was destroyed. */
export const ERASED_VALUE = '[erased]';

/** The event types that decide a profile's attributes (customer_profile's merge rule). */
export const PERSONAL_ATTRIBUTE_EVENT_TYPES: readonly string[] = [
  'profile.updated',
  'customer.erased',
];

/**
 * One event of the group, in log order, as the fold needs it:
 * - `updated`: a profile.updated whose attributes were decrypted;
 * - `unreadable`: a profile.updated whose key was destroyed: which attributes it set is unknown;
 * - `erased`: customer.erased.
 */
export type AttributeEvent =
  | { kind: 'updated'; attributes: JsonObject }
  | { kind: 'unreadable'; keyId: string }
  | { kind: 'erased'; at: string };

export interface PersonalAttributes {
  /** Set now: the decrypted value, or ERASED_VALUE. */
  attributes: JsonObject;
  /** The last customer.erased of the group (occurredAt), as in the profile. */
  erasedAt: string | null;
  /** Keys of unreadable events that decide an attribute shown as erased. */
  erasedKeyIds: string[];
  decrypted: number;
  erased: number;
}

/**
 * The profile's attributes with their values: customer_profile's rule (attribute by attribute,
 * null clears, customer.erased clears them all, in log order over the customer's group), applied
 * to the events themselves instead of the read model.
 *
 * An unreadable profile.updated (its key destroyed, say an anonymous visitor erased with another
 * customer before this one claimed it) hides which attributes it set or cleared. The read model
 * applied it while it was readable, so `knownNames` (the row's attribute names) says which are set
 * now: those the fold cannot account for, and those whose last readable value is older than the
 * unreadable event (it may have replaced them), show ERASED_VALUE; a name the row does not list
 * was cleared. Never a value that may be stale.
 */
export function foldPersonalAttributes(
  events: readonly AttributeEvent[],
  knownNames: readonly string[],
): PersonalAttributes {
  const values = new Map<string, { value: JsonValue; at: number }>();
  let erasedAt: string | null = null;
  let lastUnreadable = -1;
  const unreadableKeys: { keyId: string; at: number }[] = [];
  events.forEach((event, at) => {
    switch (event.kind) {
      case 'erased':
        values.clear();
        unreadableKeys.length = 0;
        lastUnreadable = -1;
        erasedAt = event.at;
        return;
      case 'unreadable':
        lastUnreadable = at;
        unreadableKeys.push({ keyId: event.keyId, at });
        return;
      case 'updated':
        for (const [name, value] of Object.entries(event.attributes)) {
          if (value === null) values.delete(name);
          else values.set(name, { value, at });
        }
    }
  });

  const attributes: JsonObject = {};
  const known = new Set(knownNames);
  const erasedNames = new Set<string>();
  let oldestErased = Number.POSITIVE_INFINITY;
  const markErased = (name: string, since: number) => {
    attributes[name] = ERASED_VALUE;
    erasedNames.add(name);
    oldestErased = Math.min(oldestErased, since);
  };
  for (const [name, { value, at }] of values) {
    if (at > lastUnreadable) attributes[name] = value;
    else if (known.has(name)) markErased(name, at);
  }
  if (lastUnreadable >= 0) {
    for (const name of known) if (!values.has(name)) markErased(name, -1);
  }
  const erasedKeyIds = unreadableKeys
    .filter((k) => k.at > oldestErased)
    .map((k) => k.keyId)
    .filter((id, i, all) => all.indexOf(id) === i);
  return {
    attributes,
    erasedAt,
    erasedKeyIds,
    decrypted: Object.keys(attributes).length - erasedNames.size,
    erased: erasedNames.size,
  };
}
