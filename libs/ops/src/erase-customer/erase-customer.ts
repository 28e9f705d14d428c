import { createHash, randomUUID } from 'node:crypto';
import { EventIdConflictError, type EventStore, type JsonObject } from '@touchline/event-store';
import type { DataKeys } from '@touchline/privacy';
import { validateEventData, type ValidationIssue } from '@touchline/touchpoints';
import { ErasureRequestConflictError } from '../errors';
import { customerStreamId, type JourneyStreams } from '../replay-journey/journey-streams';

export const CUSTOMER_ERASED_EVENT_TYPE = 'customer.erased';

/** Why and under which request; both are labels, not prose (the event holds no personal data). */
export interface ErasureRequest {
  reason?: string;
  requestId?: string;
}

export interface CustomerErasure {
  customerId: string;
  /** The streams whose data keys were looked at: the customer's and every linked id's. */
  streams: string[];
  /** Data keys destroyed by this request (0 when an earlier request destroyed them). */
  keysDestroyed: number;
  /** The customer.erased event in the customer's stream; `duplicate` for a repeated requestId. */
  erasedEvent: { eventId: string; status: 'appended' | 'duplicate'; position: string };
}

/** Problems with the request body, by field (the catalogue's rules for customer.erased). */
export function checkErasureRequest(request: ErasureRequest): ValidationIssue[] {
  const issues = validateEventData(CUSTOMER_ERASED_EVENT_TYPE, erasureData(request));
  // Stricter than the catalogue's label: a code cannot carry the customer's story.
  if (typeof request.reason === 'string' && !REASON_CODE.test(request.reason)) {
    issues.push({
      path: 'data.reason',
      message: 'reason must be a lower-case code such as gdpr-request (letters, digits, _ . : -)',
    });
  }
  return issues;
}

const REASON_CODE = /^[a-z][a-z0-9_.:-]{0,63}$/;

/**
 * GDPR erasure by crypto-shredding. Destroys the data keys of every stream of the customer's
 * journey (linked anonymous ids and merged ids included), so that the personal fields of all
 * their events, wherever a copy of the ciphertext went, can never be decrypted again; then records
 * customer.erased (no personal data) in the customer's stream, from which projections drop what
 * they derived. Keys first: should the append fail, the data is already unreadable and a retry
 * completes the record. A repeated requestId gives the same event id, so a retried request is
 * recorded once. Null when the customer has neither events nor keys.
 */
export async function eraseCustomer(
  store: EventStore,
  keys: DataKeys,
  streams: JourneyStreams,
  customerId: string,
  request: ErasureRequest,
): Promise<CustomerErasure | null> {
  const streamIds = await streams(customerId, undefined);
  const customerStream = customerStreamId(customerId);
  const known =
    (await store.readStream(customerStream, { toRevision: 0 })).length > 0 ||
    (await keys.countKeys(streamIds)) > 0;
  if (!known) return null;

  const destroyed = await keys.destroy(streamIds);
  const eventId = request.requestId ? erasureEventId(customerId, request.requestId) : randomUUID();
  let appended;
  try {
    appended = await store.appendToStream(
      customerStream,
      [
        {
          eventId,
          type: CUSTOMER_ERASED_EVENT_TYPE,
          version: 1,
          data: erasureData(request),
          // No occurredAt: it happens when recorded, and a retry must compare equal.
          metadata: { channel: 'other', customerId, source: 'touchline-ops' },
        },
      ],
      'any',
    );
  } catch (error) {
    if (error instanceof EventIdConflictError && request.requestId)
      throw new ErasureRequestConflictError(customerId, request.requestId);
    throw error;
  }
  const event = appended.events[0]!;
  return {
    customerId,
    streams: streamIds,
    keysDestroyed: destroyed.length,
    erasedEvent: { eventId: event.eventId, status: event.status, position: event.position },
  };
}

function erasureData({ reason, requestId }: ErasureRequest): JsonObject {
  const data: JsonObject = {};
  if (reason !== undefined) data.reason = reason;
  if (requestId !== undefined) data.requestId = requestId;
  return data;
}

/** A uuid (version 8, name-based on sha256) of the customer and the request id. */
function erasureEventId(customerId: string, requestId: string): string {
  const bytes = createHash('sha256')
    .update(`touchline customer.erased\0${customerId}\0${requestId}`, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
