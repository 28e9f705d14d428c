import { createHash } from 'node:crypto';
import type { EventToAppend, JsonValue, PersonalPart } from './event-store.port';

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, numbers as ECMAScript prints
 * them, undefined members dropped (as JSON.stringify does). Equal values give equal bytes, which
 * is what idempotency comparison and the hash chain need.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, JsonValue>)[k])}`);
  return `{${entries.join(',')}}`;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

type DigestInput = Pick<
  EventToAppend,
  'eventId' | 'type' | 'version' | 'data' | 'metadata' | 'occurredAt'
> & {
  /** The record digest needs what is stored (key id, ciphertext); the content digest the MAC. */
  personal?: PersonalPart & { digest?: Buffer };
};

/**
 * Both digests of an event, canonicalising its data and metadata once (the costly part). The
 * documents are written out in canonicalJson's key order, so the bytes are exactly those of
 * canonicalJson({...}) over the same members:
 * - content: what "the same content" means for idempotency: everything the producer sent but the id;
 * - record: the event as stored, the input of its link in the stream's hash chain.
 * An event with a personal part adds a `personal` member: to the content its keyed MAC of the
 * plaintext (a retry encrypts again, with another IV, and must still compare equal), to the
 * record the key id and ciphertext as stored (so that the chain verifies with the key destroyed).
 * Events without one digest exactly as before the personal part existed.
 */
export function eventDigests(
  streamId: string,
  event: DigestInput,
): { content: Buffer; record: Buffer } {
  const personal = event.personal;
  if (personal && !personal.digest)
    throw new TypeError('a personal part to append needs its digest');
  const parts = documentParts(streamId, event);
  return {
    content: sha256(documentOf(parts, null, personalContent(personal))),
    record: sha256(documentOf(parts, event.eventId, personalRecord(personal))),
  };
}

const personalContent = (personal: DigestInput['personal']): string | null =>
  personal?.digest ? JSON.stringify(personal.digest.toString('hex')) : null;

const personalRecord = (personal: DigestInput['personal']): string | null =>
  personal
    ? `{"ciphertext":${JSON.stringify(personal.ciphertext.toString('base64'))},"keyId":${JSON.stringify(personal.keyId)}}`
    : null;

/** The canonical members, computed once for both documents. */
function documentParts(
  streamId: string,
  event: DigestInput,
): { head: string; mid: string; tail: string } {
  return {
    head: `{"data":${canonicalJson(event.data)}`,
    mid:
      `"metadata":${canonicalJson(event.metadata ?? {})}` +
      `,"occurredAt":${event.occurredAt ? JSON.stringify(event.occurredAt.toISOString()) : 'null'}`,
    tail:
      `"streamId":${JSON.stringify(streamId)}` +
      `,"type":${JSON.stringify(event.type)}` +
      `,"version":${JSON.stringify(event.version ?? 1)}}`,
  };
}

/** The keys in canonicalJson's order: data, eventId, metadata, occurredAt, personal, streamId, … */
function documentOf(
  { head, mid, tail }: { head: string; mid: string; tail: string },
  eventId: string | null,
  personal: string | null,
): string {
  return (
    head +
    (eventId !== null ? `,"eventId":${JSON.stringify(eventId)}` : '') +
    `,${mid}` +
    (personal !== null ? `,"personal":${personal}` : '') +
    `,${tail}`
  );
}

/** The idempotency digest alone (see eventDigests). */
export function contentDigest(streamId: string, event: DigestInput): Buffer {
  return eventDigests(streamId, event).content;
}

/** The hash-chain input alone (see eventDigests). */
export function recordDigest(streamId: string, event: DigestInput): Buffer {
  return sha256(
    documentOf(documentParts(streamId, event), event.eventId, personalRecord(event.personal)),
  );
}

/**
 * One link of a stream's hash chain:
 * sha256(previous hash ‖ record digest ‖ revision as int64 BE ‖ recorded time in µs as int64 BE).
 * The first event's previous hash is empty. Same formula as touchline.append_batch.
 */
export function chainHash(
  previous: Buffer,
  digest: Buffer,
  revision: number,
  recordedAt: Date,
): Buffer {
  const tail = Buffer.alloc(16);
  tail.writeBigInt64BE(BigInt(revision), 0);
  tail.writeBigInt64BE(BigInt(recordedAt.getTime()) * 1000n, 8);
  return createHash('sha256').update(previous).update(digest).update(tail).digest();
}
