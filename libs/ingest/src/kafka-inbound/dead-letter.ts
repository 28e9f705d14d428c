import type { IHeaders, Message } from 'kafkajs';
import type { ValidationIssue } from '@touchline/touchpoints';
import type { DeadLetterReason } from './inbound-message.decoder';

/**
 * Headers a dead-lettered message carries beside its original key, value and headers. Names are a
 * contract with operations' tooling (inspection, re-drive).
 */
export const DEAD_LETTER_HEADERS = {
  /** A DeadLetterReason. */
  reason: 'tl_dlq_reason',
  /** JSON array of {path, message}; paths name what the producer sent (CloudEvent attributes). */
  errors: 'tl_dlq_errors',
  topic: 'tl_dlq_topic',
  partition: 'tl_dlq_partition',
  offset: 'tl_dlq_offset',
  /** The original message's timestamp (ms since the epoch, as Kafka keeps it). */
  timestamp: 'tl_dlq_timestamp',
  /** The touchpoint's eventId, for event_id_conflict. */
  eventId: 'tl_dlq_event_id',
} as const;

/** The little of a consumed message the inbound consumer reads. kafkajs's KafkaMessage fits. */
export interface InboundKafkaMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export interface DeadLetter {
  message: InboundKafkaMessage;
  reason: DeadLetterReason;
  errors: ValidationIssue[];
  eventId?: string;
}

const OWN_HEADER_PREFIX = 'tl_dlq_';

/**
 * The dead-letter copy of a message: key, value and headers as they came (the key keeps the copy
 * on the partition of its customer), plus the reason and the original coordinates. A message
 * dead-lettered again after a re-drive gets fresh tl_dlq_* headers, not a second set.
 */
export function toDeadLetterMessage(
  origin: { topic: string; partition: number },
  { message, reason, errors, eventId }: DeadLetter,
): Message {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined && !name.startsWith(OWN_HEADER_PREFIX)) headers[name] = value;
  }
  headers[DEAD_LETTER_HEADERS.reason] = reason;
  headers[DEAD_LETTER_HEADERS.errors] = JSON.stringify(
    errors.map(({ path, message: text }) => ({ path, message: text })),
  );
  headers[DEAD_LETTER_HEADERS.topic] = origin.topic;
  headers[DEAD_LETTER_HEADERS.partition] = String(origin.partition);
  headers[DEAD_LETTER_HEADERS.offset] = message.offset;
  headers[DEAD_LETTER_HEADERS.timestamp] = message.timestamp;
  if (eventId !== undefined) headers[DEAD_LETTER_HEADERS.eventId] = eventId;
  return { key: message.key, value: message.value, headers };
}
