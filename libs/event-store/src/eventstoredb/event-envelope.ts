import {
  jsonEvent,
  type EventData,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import type {
  EventToAppend,
  JsonObject,
  JsonValue,
  PersonalPart,
  RecordedEvent,
} from '../event-store.port';
import { encodeCheckpoint } from './checkpoint';

/**
 * How an event of the port sits in EventStoreDB. The fields EventStoreDB has no place for travel in
 * its metadata under reserved `$touchline.` keys, beside the caller's own keys (kept at the top
 * level, so `$correlationId`/`$causationId` still mean what EventStoreDB tools expect). Reads
 * strip the reserved keys again: RecordedEvent.metadata is exactly what the caller passed.
 */
export const RESERVED_METADATA_PREFIX = '$touchline.';
const DIGEST = `${RESERVED_METADATA_PREFIX}contentDigest`;
const VERSION = `${RESERVED_METADATA_PREFIX}version`;
const OCCURRED_AT = `${RESERVED_METADATA_PREFIX}occurredAt`;
/** The personal part (docs/privacy.md): ciphertext in base64 and the data key's id. */
const PERSONAL = `${RESERVED_METADATA_PREFIX}personal`;
const KEY_ID = `${RESERVED_METADATA_PREFIX}keyId`;

/** Streams of the event-id index (event-id-claims.ts): bookkeeping, never part of the log we serve. */
export const CLAIM_STREAM_PREFIX = 'tl-eventid-';

/** A stream the adapter will append to: not a system stream, not one of its own index streams. */
export function assertUserStream(streamId: string): void {
  if (streamId.startsWith('$') || streamId.startsWith(CLAIM_STREAM_PREFIX)) {
    throw new TypeError(
      `streamId must not start with "$" or "${CLAIM_STREAM_PREFIX}" (reserved on EventStoreDB)`,
    );
  }
}

/** What the port serves from $all: no system events (type or stream "$…"), no index streams. */
export function isUserEvent(event: Pick<EsdbRecordedEvent, 'streamId' | 'type'>): boolean {
  return (
    !event.type.startsWith('$') &&
    !event.streamId.startsWith('$') &&
    !event.streamId.startsWith(CLAIM_STREAM_PREFIX)
  );
}

export function toEventData(event: EventToAppend, contentDigestHex: string): EventData {
  const metadata: JsonObject = { ...(event.metadata ?? {}) };
  for (const key of Object.keys(metadata)) {
    if (key.startsWith(RESERVED_METADATA_PREFIX)) {
      throw new TypeError(
        `metadata key "${key}" is reserved (prefix "${RESERVED_METADATA_PREFIX}")`,
      );
    }
  }
  metadata[DIGEST] = contentDigestHex;
  metadata[VERSION] = event.version ?? 1;
  if (event.occurredAt) metadata[OCCURRED_AT] = event.occurredAt.toISOString();
  if (event.personal) {
    metadata[PERSONAL] = event.personal.ciphertext.toString('base64');
    metadata[KEY_ID] = event.personal.keyId;
  }
  return jsonEvent({ id: event.eventId, type: event.type, data: event.data, metadata });
}

export interface Envelope {
  metadata: JsonObject;
  version: number;
  occurredAt: Date | null;
  /** null for an event this adapter did not write. */
  contentDigest: string | null;
  personal: PersonalPart | null;
}

export function readEnvelope(raw: unknown): Envelope {
  const metadata: JsonObject = {};
  let version = 1;
  let occurredAt: Date | null = null;
  let contentDigest: string | null = null;
  let ciphertext: string | null = null;
  let keyId: string | null = null;
  if (isObject(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      if (key === DIGEST && typeof value === 'string') contentDigest = value;
      else if (key === VERSION && typeof value === 'number') version = value;
      else if (key === OCCURRED_AT && typeof value === 'string') occurredAt = new Date(value);
      else if (key === PERSONAL && typeof value === 'string') ciphertext = value;
      else if (key === KEY_ID && typeof value === 'string') keyId = value;
      else if (!key.startsWith(RESERVED_METADATA_PREFIX)) metadata[key] = value;
    }
  }
  const personal =
    ciphertext !== null && keyId !== null
      ? { keyId, ciphertext: Buffer.from(ciphertext, 'base64') }
      : null;
  return { metadata, version, occurredAt, contentDigest, personal };
}

/** Needs the event's log position, which stream reads carry from EventStoreDB 22.6 on. */
export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  if (!event.position) {
    throw new Error(
      `EventStoreDB returned ${event.streamId}@${event.revision} without its log position (server older than 22.6?)`,
    );
  }
  if (!event.isJson || !isObject(event.data)) {
    throw new Error(
      `Event ${event.id} in ${event.streamId} is not a JSON object: not written through this event store`,
    );
  }
  const envelope = readEnvelope(event.metadata);
  return {
    streamId: event.streamId,
    revision: Number(event.revision),
    eventId: event.id,
    type: event.type,
    version: envelope.version,
    data: event.data,
    metadata: envelope.metadata,
    occurredAt: envelope.occurredAt,
    recordedAt: event.created,
    position: encodeCheckpoint(event.position),
    globalPosition: event.position.commit.toString(),
    // No hash chain on EventStoreDB: tamper evidence is a feature of the PostgreSQL adapter only.
    hash: null,
    ...(envelope.personal ? { personal: envelope.personal } : {}),
  };
}

function isObject(value: unknown): value is { [key: string]: JsonValue } {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}
