import type { JsonObject, RecordedEvent } from '../../event-store.port';
import { encodeCheckpoint } from '../checkpoint';

/** The columns every read selects, and how a row becomes a RecordedEvent. */
export const EVENT_COLUMNS = `stream_id, stream_revision, event_id, event_type, event_version, data, metadata,
  occurred_at, recorded_at, transaction_id::text AS transaction_id, global_position, hash,
  personal, key_id`;

export interface EventRow {
  stream_id: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  event_version: number;
  data: JsonObject;
  metadata: JsonObject;
  occurred_at: Date | null;
  recorded_at: Date;
  transaction_id: string;
  global_position: string;
  hash: Buffer;
  personal: Buffer | null;
  key_id: string | null;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: Number(row.stream_revision),
    eventId: row.event_id,
    type: row.event_type,
    version: row.event_version,
    data: row.data,
    metadata: row.metadata,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    position: encodeCheckpoint(row.transaction_id, row.global_position),
    globalPosition: row.global_position,
    hash: row.hash.toString('hex'),
    ...(row.personal !== null && row.key_id !== null
      ? { personal: { keyId: row.key_id, ciphertext: row.personal } }
      : {}),
  };
}
