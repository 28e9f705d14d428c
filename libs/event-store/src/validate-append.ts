import type { EventToAppend, ExpectedRevision } from './event-store.port';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks an append's arguments before anything is written. These are programming errors of the
 * caller (ingestion validates producer input long before), so they throw TypeError.
 * Returns the events with lower-cased ids, the form the store keeps.
 */
export function validateAppend(
  streamId: string,
  events: EventToAppend[],
  expectedRevision: ExpectedRevision,
): EventToAppend[] {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > 200) {
    throw new TypeError('streamId must be a non-empty string of at most 200 characters');
  }
  if (!(
    expectedRevision === 'no_stream' ||
    expectedRevision === 'stream_exists' ||
    expectedRevision === 'any' ||
    (Number.isSafeInteger(expectedRevision) && (expectedRevision as number) >= 0)
  )) {
    throw new TypeError(
      `expectedRevision must be a revision (integer >= 0), 'no_stream', 'stream_exists' or 'any', got ${String(expectedRevision)}`,
    );
  }
  if (!Array.isArray(events) || events.length === 0)
    throw new TypeError('events must be a non-empty array');
  const seen = new Set<string>();
  return events.map((event, i) => {
    if (typeof event.eventId !== 'string' || !UUID.test(event.eventId)) {
      throw new TypeError(`events[${i}].eventId must be a uuid`);
    }
    const eventId = event.eventId.toLowerCase();
    if (seen.has(eventId))
      throw new TypeError(`events[${i}].eventId ${eventId} appears twice in one append`);
    seen.add(eventId);
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new TypeError(`events[${i}].type must be a non-empty string`);
    }
    if (event.version !== undefined && !(Number.isInteger(event.version) && event.version >= 1)) {
      throw new TypeError(`events[${i}].version must be an integer >= 1`);
    }
    if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
      throw new TypeError(`events[${i}].data must be an object`);
    }
    if (event.occurredAt !== undefined && Number.isNaN(event.occurredAt.getTime())) {
      throw new TypeError(`events[${i}].occurredAt is not a valid date`);
    }
    if (event.personal !== undefined) {
      const { keyId, ciphertext, digest } = event.personal;
      if (typeof keyId !== 'string' || keyId.length === 0 || keyId.length > 200)
        throw new TypeError(`events[${i}].personal.keyId must be a non-empty string`);
      if (!Buffer.isBuffer(ciphertext) || ciphertext.length === 0)
        throw new TypeError(`events[${i}].personal.ciphertext must be a non-empty Buffer`);
      if (!Buffer.isBuffer(digest) || digest.length === 0)
        throw new TypeError(`events[${i}].personal.digest must be a non-empty Buffer`);
    }
    return eventId === event.eventId ? event : { ...event, eventId };
  });
}
