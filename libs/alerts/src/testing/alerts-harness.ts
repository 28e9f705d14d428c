import { randomUUID } from 'node:crypto';
import { runMigrations } from '@touchline/database';
import { PostgresEventStore, type EventStore } from '@touchline/event-store';
import { createTestDatabase, waitFor, type TestDatabase } from '@touchline/testing';
import { toEventToAppend, validateJourneyEvent, type JourneyEvent } from '@touchline/touchpoints';
import { ALERTS_MIGRATION_SCOPE, alertsMigrations } from '../migrations';

/** Shared by this library's specs (testing/ is left out of index.ts). */

export class AlertsTestBed {
  db!: TestDatabase;
  store!: PostgresEventStore;
  /** The clock handed to the code under test; specs move it. */
  now = new Date('2026-03-02T10:00:00Z');
  readonly clock = () => this.now;

  async setup(): Promise<void> {
    this.db = await createTestDatabase();
    await PostgresEventStore.migrate(this.db.pool);
    await runMigrations(this.db.pool, ALERTS_MIGRATION_SCOPE, alertsMigrations);
    this.store = new PostgresEventStore(this.db.pool, { idlePollMs: 20 });
  }

  async teardown(): Promise<void> {
    await this.store?.close();
    await this.db?.destroy();
  }

  /** Resolves once `checkpointOf()` has reached `position`. */
  async reached(checkpointOf: () => Promise<string | null>, position: string): Promise<void> {
    await waitFor(
      async () =>
        this.store.compareCheckpoints(await checkpointOf(), position) >= 0 ? true : undefined,
      { what: `the detector at ${position}` },
    );
  }
}

export function journeyEvent(input: {
  type: string;
  customerId: string;
  at: string;
  data: Record<string, unknown>;
  channel?: string;
}): JourneyEvent {
  const result = validateJourneyEvent({
    eventId: randomUUID(),
    type: input.type,
    occurredAt: input.at,
    customerId: input.customerId,
    channel: input.channel ?? 'web',
    data: input.data,
    metadata: { source: 'alerts-spec' },
  });
  if (!result.ok) throw new Error(`invalid fixture: ${JSON.stringify(result.errors)}`);
  return result.touchpoint;
}

/** Appends each event on its own; the last position. */
export async function appendAll(store: EventStore, events: JourneyEvent[]): Promise<string> {
  let position = '';
  for (const e of events) {
    const { streamId, event } = toEventToAppend(e);
    const result = await store.appendToStream(streamId, [event], 'any');
    position = result.events[0]!.position;
  }
  return position;
}
