import { randomUUID } from 'node:crypto';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type EventToAppend,
  type JsonObject,
} from '@touchline/event-store';
import {
  CUSTOMER_STREAM_PREFIX,
  PARTY_ID_PATTERN,
  toEventToAppend,
  validateJourneyEvent,
} from '@touchline/touchpoints';
import { mergedInto, resolveIdentityGroup } from './identity-links';

export type MergeKind = 'merge' | 'unmerge';

export interface MergeRequest {
  survivorId: string;
  mergedId: string;
  /** Why (free text, personal: encrypted with each customer's key when a sealer is given). */
  reason: string;
}

export interface MergeResult {
  kind: MergeKind;
  survivorId: string;
  mergedId: string;
  /** The two events, in the survivor's stream and in the duplicate's, recorded together. */
  events: { streamId: string; eventId: string; revision: number; position: string }[];
  /** The later of the two: pass it as X-Touchline-Min-Position to read the read models after it. */
  position: string;
}

/**
 * Why a merge or unmerge was refused, nothing having been written: `invalid` (400), `not_found`
 * (404: a customer with no event), `conflict` (409: the state of the customers does not allow it).
 */
export class MergeRefusedError extends Error {
  constructor(
    readonly reason: 'invalid' | 'not_found' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'MergeRefusedError';
  }
}

/** Seals an event's personal fields before it is appended (the privacy vault); identity when absent. */
export type SealPersonalData = (streamId: string, event: EventToAppend) => Promise<EventToAppend>;

const REASON_MAX = 2000;
const ATTEMPTS = 3;

/** The request's own checks (400), before any read. */
export function checkMergeRequest(request: MergeRequest): void {
  for (const field of ['survivorId', 'mergedId'] as const) {
    const value = request[field];
    if (typeof value !== 'string' || value.length > 128 || !PARTY_ID_PATTERN.test(value)) {
      throw new MergeRefusedError(
        'invalid',
        `${field} must be 1-128 letters, digits and . _ : | - starting with a letter or digit`,
      );
    }
  }
  if (request.survivorId === request.mergedId)
    throw new MergeRefusedError('invalid', 'survivorId and mergedId must differ');
  if (
    typeof request.reason !== 'string' ||
    request.reason.trim().length === 0 ||
    request.reason.length > REASON_MAX
  ) {
    throw new MergeRefusedError('invalid', `reason must be 1-${REASON_MAX} characters of text`);
  }
}

/**
 * Merges a duplicate customer into a survivor, or undoes a merge: checks the customers' state as
 * recorded in the store, then records customer.merged (customer.unmerged) in both streams in one
 * append, expecting the revisions it read (a concurrent change of either stream makes it check
 * again). Refusals (MergeRefusedError) write nothing.
 *
 * merge: both customers have events; the duplicate is not merged (into anyone); the survivor is
 * not merged itself (merge into its survivor instead); they are not already one customer (a
 * link between them, in either direction or through others: that would make a cycle).
 * unmerge: both have events and the duplicate is merged into this survivor.
 */
export async function recordMerge(
  store: EventStore,
  kind: MergeKind,
  request: MergeRequest,
  seal?: SealPersonalData,
): Promise<MergeResult> {
  checkMergeRequest(request);
  for (let attempt = 1; ; attempt++) {
    const { survivorId, mergedId } = request;
    const survivorEvents = await store.readStream(CUSTOMER_STREAM_PREFIX + survivorId);
    const mergedEvents = await store.readStream(CUSTOMER_STREAM_PREFIX + mergedId);
    if (survivorEvents.length === 0)
      throw new MergeRefusedError('not_found', `Customer ${survivorId} is unknown`);
    if (mergedEvents.length === 0)
      throw new MergeRefusedError('not_found', `Customer ${mergedId} is unknown`);
    if (kind === 'merge') await checkMerge(store, request, survivorEvents, mergedEvents);
    else checkUnmerge(request, mergedEvents);

    const correlationId = `${kind}-${randomUUID()}`;
    const appends = await Promise.all(
      [
        { customerId: survivorId, revision: survivorEvents.at(-1)!.revision },
        { customerId: mergedId, revision: mergedEvents.at(-1)!.revision },
      ].map(async ({ customerId, revision }) => {
        const { streamId, event } = systemEvent(kind, customerId, request, correlationId);
        return {
          streamId,
          events: [seal ? await seal(streamId, event) : event],
          expectedRevision: revision,
        };
      }),
    );
    try {
      const results = await store.appendToStreams(appends);
      const events = results.map((r) => ({
        streamId: r.streamId,
        eventId: r.events[0]!.eventId,
        revision: r.events[0]!.revision,
        position: r.events[0]!.position,
      }));
      const position = events
        .map((e) => e.position)
        .reduce((a, b) => (store.compareCheckpoints(a, b) >= 0 ? a : b));
      return { kind, survivorId, mergedId, events, position };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (attempt >= ATTEMPTS) {
        throw new MergeRefusedError(
          'conflict',
          `Customers ${survivorId} and ${mergedId} kept changing meanwhile; try again`,
        );
      }
    }
  }
}

async function checkMerge(
  store: EventStore,
  { survivorId, mergedId }: MergeRequest,
  survivorEvents: Parameters<typeof mergedInto>[0],
  mergedEvents: Parameters<typeof mergedInto>[0],
): Promise<void> {
  const mergedParent = mergedInto(mergedEvents, mergedId);
  if (mergedParent !== null) {
    throw new MergeRefusedError(
      'conflict',
      `Customer ${mergedId} is already merged into ${mergedParent}`,
    );
  }
  const survivorParent = mergedInto(survivorEvents, survivorId);
  if (survivorParent !== null) {
    throw new MergeRefusedError(
      'conflict',
      `The survivor ${survivorId} is itself merged into ${survivorParent}: merge into ${survivorParent} instead`,
    );
  }
  // An earlier id is recorded in the new id's stream only: look from both sides.
  const survivorGroup = await resolveIdentityGroup(store, survivorId);
  const mergedGroup = await resolveIdentityGroup(store, mergedId);
  if (
    survivorGroup.streams.includes(CUSTOMER_STREAM_PREFIX + mergedId) ||
    mergedGroup.streams.includes(CUSTOMER_STREAM_PREFIX + survivorId)
  ) {
    throw new MergeRefusedError(
      'conflict',
      `Customers ${survivorId} and ${mergedId} already count as one customer (linked ids); merging them would make a cycle`,
    );
  }
}

function checkUnmerge(
  { survivorId, mergedId }: MergeRequest,
  mergedEvents: Parameters<typeof mergedInto>[0],
): void {
  const parent = mergedInto(mergedEvents, mergedId);
  if (parent !== survivorId) {
    throw new MergeRefusedError(
      'conflict',
      parent === null
        ? `Customer ${mergedId} is not merged`
        : `Customer ${mergedId} is merged into ${parent}, not into ${survivorId}`,
    );
  }
}

function systemEvent(
  kind: MergeKind,
  customerId: string,
  { survivorId, mergedId, reason }: MergeRequest,
  correlationId: string,
): { streamId: string; event: EventToAppend } {
  const data: JsonObject = { survivorId, mergedId, reason };
  const validated = validateJourneyEvent({
    eventId: randomUUID(),
    type: kind === 'merge' ? 'customer.merged' : 'customer.unmerged',
    occurredAt: new Date().toISOString(),
    customerId,
    channel: 'other',
    data,
    metadata: { source: 'touchline-ops', correlationId },
  });
  if (!validated.ok) {
    throw new MergeRefusedError(
      'invalid',
      validated.errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    );
  }
  return toEventToAppend(validated.touchpoint);
}
