import { createHash } from 'node:crypto';
import type { EventToAppend, JsonValue } from './event-store.port';

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

/** What "the same content" means for idempotency: everything the producer sent but the id. */
export function contentDigest(streamId: string, event: EventToAppend): Buffer {
  return sha256(
    canonicalJson({
      streamId,
      type: event.type,
      version: event.version ?? 1,
      data: event.data,
      metadata: event.metadata ?? {},
      occurredAt: event.occurredAt ? event.occurredAt.toISOString() : null,
    }),
  );
}

/** The event as stored, the input of its link in the stream's hash chain. */
export function recordDigest(
  streamId: string,
  event: Pick<EventToAppend, 'eventId' | 'type' | 'version' | 'data' | 'metadata' | 'occurredAt'>,
): Buffer {
  return sha256(
    canonicalJson({
      streamId,
      eventId: event.eventId,
      type: event.type,
      version: event.version ?? 1,
      data: event.data,
      metadata: event.metadata ?? {},
      occurredAt: event.occurredAt ? event.occurredAt.toISOString() : null,
    }),
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
