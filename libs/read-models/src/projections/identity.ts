import type { RecordedEvent } from '@touchline/event-store';
import type { IdentityChange, IdentityRules } from '@touchline/projections';
import { ANONYMOUS_STREAM_PREFIX, CUSTOMER_STREAM_PREFIX } from '@touchline/touchpoints';
import { customerOfStream, readJourneyEvent } from './journey-event';

/** The events that record identity links; an identity-aware projection handles them. */
export const IDENTITY_EVENT_TYPES = ['identity.linked', 'customer.merged', 'customer.unmerged'];
const IDENTITY_TYPES = new Set(IDENTITY_EVENT_TYPES);

/**
 * The identity rules of the read models (docs/read-models.md, "Identity"), as links between
 * streams for the projection engine:
 * - `identity.linked` `anonymousId` in `customer-C`: `anonymous-<id>` counts for C, its earlier
 *   events included;
 * - `identity.linked` `previousId`: `customer-<previousId>` counts for C;
 * - `customer.merged` {survivorId S, mergedId M} (in both streams): `customer-M` counts for S;
 * - `customer.unmerged` {S, M}: it no longer does.
 * What is linked to M moves with it (chains). Links that would make a cycle are ignored.
 */
export const journeyIdentity: IdentityRules = {
  changes(event: RecordedEvent): IdentityChange[] {
    if (!IDENTITY_TYPES.has(event.type) || customerOfStream(event.streamId) === null) return [];
    const e = readJourneyEvent(event);
    switch (e.type) {
      case 'identity.linked': {
        const changes: IdentityChange[] = [];
        if (e.data.anonymousId !== undefined)
          changes.push({
            kind: 'link',
            alias: ANONYMOUS_STREAM_PREFIX + e.data.anonymousId,
            into: event.streamId,
          });
        if (e.data.previousId !== undefined)
          changes.push({
            kind: 'link',
            alias: CUSTOMER_STREAM_PREFIX + e.data.previousId,
            into: event.streamId,
          });
        return changes;
      }
      case 'customer.merged':
        return [
          {
            kind: 'link',
            alias: CUSTOMER_STREAM_PREFIX + e.data.mergedId,
            into: CUSTOMER_STREAM_PREFIX + e.data.survivorId,
          },
        ];
      case 'customer.unmerged':
        return [
          {
            kind: 'unlink',
            alias: CUSTOMER_STREAM_PREFIX + e.data.mergedId,
            from: CUSTOMER_STREAM_PREFIX + e.data.survivorId,
          },
        ];
      default:
        return [];
    }
  },
};
