import { randomUUID } from 'node:crypto';
import type { EventStore } from '@touchline/event-store';

export interface JourneyPlan {
  /** Tells this run's customers apart from other runs' on a shared store. */
  prefix: string;
  customers: number;
  /** Revisions to append to each customer's stream, [from, to). */
  fromRevision: number;
  toRevision: number;
}

export function customerId(prefix: string, index: number): string {
  return `${prefix}-${index}`;
}

/**
 * Appends one event at a time to every customer's stream, all customers at once, as concurrent
 * requests would: each append is its own command with its expected revision, so the group commit
 * interleaves customers in the global log.
 */
export async function appendJourneys(store: EventStore, plan: JourneyPlan): Promise<void> {
  await Promise.all(
    Array.from({ length: plan.customers }, async (_, c) => {
      const streamId = `customer-${customerId(plan.prefix, c)}`;
      for (let revision = plan.fromRevision; revision < plan.toRevision; revision++) {
        await store.appendToStream(
          streamId,
          [
            {
              eventId: randomUUID(),
              type: revision % 3 === 0 ? 'purchase' : 'visit',
              data: { customer: c, revision, note: revision % 5 === 0 ? 'ünïcødé ✓' : null },
              metadata: { correlationId: randomUUID() },
              // Every other event without a producer time: ce_time falls back to recordedAt.
              occurredAt:
                revision % 2 === 0 ? new Date(Date.UTC(2024, 0, 1, 0, 0, revision)) : undefined,
            },
          ],
          revision === 0 ? 'no_stream' : revision - 1,
        );
      }
    }),
  );
}
