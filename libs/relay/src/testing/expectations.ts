import type { Pool } from 'pg';
import type { EventStore, RecordedEvent } from '@touchline/event-store';
import { waitFor } from '@touchline/testing';
import { recordedEventToCloudEvent, toBinaryMessage } from '@touchline/kafka';
import type { Delivery, JourneyInbox } from './journey-inbox';

/** The events a reader of the global log can see now, in global order. */
export async function readLog(store: EventStore): Promise<RecordedEvent[]> {
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
 * Every committed event, in global order. Readers stop before any transaction still open on the
 * cluster, other databases' included (suites run side by side): wait until the log shows them all.
 */
export async function storedEvents(store: EventStore, pool: Pool): Promise<RecordedEvent[]> {
  const { rows } = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM touchline.events',
  );
  return waitFor(
    async () => {
      const events = await readLog(store);
      return events.length >= rows[0]!.n ? events : undefined;
    },
    { what: `the global log to show all ${rows[0]!.n} committed events` },
  );
}

/**
 * The relay's contract, checked message by message: every stored event reached Kafka at least
 * once, each delivery is exactly the binary-mode CloudEvent of the stored event (key, headers,
 * value bytes), a customer's events share one partition, and each customer's first deliveries come
 * in revision order with no revision missing.
 */
export function expectJourneyInKafka(
  stored: RecordedEvent[],
  inbox: JourneyInbox,
  source: string,
): void {
  const byId = new Map(stored.map((event) => [event.eventId, event]));
  expect(inbox.undecodable).toEqual([]);
  expect(inbox.distinct()).toBe(stored.length);

  for (const delivery of inbox.deliveries) {
    const event = byId.get(delivery.event.id);
    if (!event) throw new Error(`Kafka holds event ${delivery.event.id}, the store does not`);
    const cloudEvent = recordedEventToCloudEvent(event, { source });
    const message = toBinaryMessage(cloudEvent);
    expect(delivery.key).toBe(message.key);
    expect(delivery.headers).toEqual(message.headers);
    expect(delivery.value?.equals(message.value!)).toBe(true);
    expect(delivery.event).toEqual(cloudEvent);
  }

  const perCustomer = new Map<string, Delivery[]>();
  for (const delivery of inbox.firstDeliveries()) {
    const customer = delivery.key!;
    perCustomer.set(customer, [...(perCustomer.get(customer) ?? []), delivery]);
  }
  const expectedRevisions = new Map<string, number[]>();
  for (const event of stored) {
    const customer = recordedEventToCloudEvent(event, { source }).subject!;
    expectedRevisions.set(customer, [...(expectedRevisions.get(customer) ?? []), event.revision]);
  }
  expect([...perCustomer.keys()].sort()).toEqual([...expectedRevisions.keys()].sort());
  for (const [customer, deliveries] of perCustomer) {
    expect(new Set(deliveries.map((d) => d.partition)).size).toBe(1);
    expect(deliveries.map((d) => d.event.extensions.tlrevision)).toEqual(
      expectedRevisions.get(customer),
    );
  }
}
