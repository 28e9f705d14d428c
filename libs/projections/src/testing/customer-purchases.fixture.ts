import { randomUUID } from 'node:crypto';
import type { EventStore, EventToAppend, RecordedEvent } from '@touchline/event-store';
import { waitFor } from '@touchline/testing';
import {
  defineProjection,
  type PoisonPolicy,
  type ProjectionDefinition,
} from '../projection.definition';

/** The example read model of the specs: per customer, purchases and their total (in cents). */
export type CustomerPurchases = {
  customerId: string;
  purchases: number;
  totalCents: number;
  refunds: number;
  lastComment: string | null;
};

export const customerId = (event: RecordedEvent): string | null =>
  event.streamId.startsWith('customer-') ? event.streamId.slice('customer-'.length) : null;

/** Specs share one database: each projection only takes the customers of its own scope. */
const inScope =
  (scope: string) =>
  (event: RecordedEvent): string | null => {
    const id = customerId(event);
    return id !== null && id.startsWith(scope) ? id : null;
  };

/**
 * handles purchase, refund and profile.erased (deletes the row). A purchase with a negative amount
 * is poison (evolve throws); a comment is percent-decoded, so "%00" yields a row that PostgreSQL
 * refuses (jsonb has no NUL): poison found by the database, not by evolve.
 */
export function customerPurchases(
  options: {
    onPoison?: PoisonPolicy;
    version?: number;
    name?: string;
    scope?: string;
    refundWeight?: number;
    /** Test hook for resume: read at each call, so a "fixed deployment" can be simulated. */
    acceptNegative?: () => boolean;
  } = {},
): ProjectionDefinition<CustomerPurchases> {
  const refundWeight = options.refundWeight ?? 1;
  const acceptNegative = options.acceptNegative ?? (() => false);
  return defineProjection<CustomerPurchases>({
    name: options.name ?? 'customer_purchases',
    version: options.version ?? 1,
    handles: ['purchase', 'refund', 'profile.erased'],
    onPoison: options.onPoison,
    table: { kind: 'jsonb', indexes: [{ name: 'total', path: ['totalCents'] }] },
    rowKey: inScope(options.scope ?? ''),
    evolve(row, event) {
      const current = row ?? {
        customerId: customerId(event)!,
        purchases: 0,
        totalCents: 0,
        refunds: 0,
        lastComment: null,
      };
      switch (event.type) {
        case 'purchase': {
          const cents = event.data.cents;
          if (typeof cents !== 'number' || (cents < 0 && !acceptNegative())) {
            throw new RangeError(`purchase with invalid amount ${String(cents)}`);
          }
          const comment =
            typeof event.data.comment === 'string'
              ? decodeURIComponent(event.data.comment)
              : current.lastComment;
          return {
            ...current,
            purchases: current.purchases + 1,
            totalCents: current.totalCents + Math.max(cents, 0),
            lastComment: comment,
          };
        }
        case 'refund':
          return {
            ...current,
            refunds: current.refunds + refundWeight,
            totalCents: current.totalCents - Number(event.data.cents),
          };
        case 'profile.erased':
          return null;
        default:
          return row;
      }
    },
  });
}

export const purchase = (cents: number, comment?: string): EventToAppend => ({
  eventId: randomUUID(),
  type: 'purchase',
  data: comment === undefined ? { cents } : { cents, comment },
});
export const refund = (cents: number): EventToAppend => ({
  eventId: randomUUID(),
  type: 'refund',
  data: { cents },
});
export const enquiry = (): EventToAppend => ({
  eventId: randomUUID(),
  type: 'enquiry',
  data: { text: 'hello' },
});
export const erased = (): EventToAppend => ({
  eventId: randomUUID(),
  type: 'profile.erased',
  data: {},
});

/** Every event of the log, in global order. */
export async function readWholeLog(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let checkpoint: string | null = null;
  for (;;) {
    const batch = await store.readAll(checkpoint, 1_000);
    if (batch.events.length === 0) return events;
    events.push(...batch.events);
    checkpoint = batch.checkpoint;
  }
}

/**
 * The log once `position` is readable. Readers stop at the oldest open transaction of the whole
 * cluster (pg_snapshot_xmin), so an event can be committed and not readable yet for a moment.
 */
export async function readLogThrough(
  store: EventStore,
  position: string,
): Promise<RecordedEvent[]> {
  return waitFor(
    async () => {
      const events = await readWholeLog(store);
      const last = events.at(-1);
      return last && store.compareCheckpoints(last.position, position) >= 0 ? events : undefined;
    },
    { what: `the log to be readable through ${position}` },
  );
}

/** The latest of several positions. */
export function latest(store: EventStore, positions: readonly string[]): string {
  return positions.reduce((max, p) => (store.compareCheckpoints(p, max) > 0 ? p : max));
}

/** Appends to `customer-<id>` in order, returning the last event's position. */
export async function appendAll(
  store: EventStore,
  customer: string,
  events: EventToAppend[],
): Promise<string> {
  const result = await store.appendToStream(`customer-${customer}`, events, 'any');
  return result.events[result.events.length - 1]!.position;
}
