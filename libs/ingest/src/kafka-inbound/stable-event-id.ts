import { createHash } from 'node:crypto';

/**
 * The namespace of event ids derived from CloudEvents identities. A persisted contract: changing
 * it would give every redelivered event a new id and store it twice.
 */
export const CLOUDEVENT_ID_NAMESPACE = '5cf14d69-a08c-45d2-8d66-07f88286b6c5';

/** What the catalogue accepts as an eventId (RFC 9562, versions 1–8, nil and max excluded). */
const CATALOGUE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The touchpoint eventId for a CloudEvent. An id that is already a uuid is used as it is
 * (lower-cased), so a producer that sends the same touchpoint over HTTP and Kafka is deduplicated.
 * Any other id is only unique within its source (CloudEvents identity is source + id), so the
 * eventId is the name-based UUIDv5 of both: uuidv5(CLOUDEVENT_ID_NAMESPACE, source + "\n" + id).
 * Neither attribute may contain a control character, so the newline cannot be forged.
 */
export function eventIdForCloudEvent(source: string, id: string): string {
  if (CATALOGUE_UUID.test(id)) return id.toLowerCase();
  return uuidV5(CLOUDEVENT_ID_NAMESPACE, `${source}\n${id}`);
}

/** RFC 9562 §5.5: SHA-1 of namespace ‖ name, version 5, variant 10. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new TypeError(`namespace ${namespace} is not a uuid`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
