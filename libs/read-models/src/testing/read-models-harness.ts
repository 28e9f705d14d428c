import { runMigrations } from '@touchline/database';
import { PostgresEventStore, type RecordedEvent } from '@touchline/event-store';
import { PostgresLogStats, ProjectionEngine } from '@touchline/projections';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import { READ_MODELS_MIGRATION_SCOPE, readModelMigrations } from '../migrations';
import { READ_MODEL_PROJECTIONS } from '../projections/read-model-projections';
import { storeTierThresholds } from '../sql/storeTierThresholds';

/**
 * A database, a store and the read-model engine, started and migrated as ReadModelsModule does it,
 * with short intervals so that specs wait on positions, never on timers.
 */
export class ReadModelsHarness {
  db!: TestDatabase;
  store!: PostgresEventStore;
  engine!: ProjectionEngine;

  async setup(): Promise<void> {
    this.db = await createTestDatabase();
    await PostgresEventStore.migrate(this.db.pool);
    await ProjectionEngine.migrate(this.db.pool);
    this.store = new PostgresEventStore(this.db.pool, { idlePollMs: 20 });
    this.engine = new ProjectionEngine({
      pool: this.db.pool,
      store: this.store,
      logStats: new PostgresLogStats(this.db.pool),
      projections: READ_MODEL_PROJECTIONS,
      reconcileIntervalMs: 100,
      retryMinMs: 10,
      retryMaxMs: 200,
    });
    await this.engine.start();
    await runMigrations(this.db.pool, READ_MODELS_MIGRATION_SCOPE, readModelMigrations);
    await storeTierThresholds(this.db.pool, { vipSpend: 5000, keySpend: 1000 });
  }

  async teardown(): Promise<void> {
    await this.engine?.close();
    await this.store?.close();
    await this.db?.destroy();
  }

  /** Resolves once every read model has applied `position`; fails the spec otherwise. */
  async caughtUp(position: string): Promise<void> {
    const names = READ_MODEL_PROJECTIONS.map((p) => p.name);
    const result = await this.engine.waitForPosition(names, position, 30_000);
    if (!result.reached)
      throw new Error(`read models stuck at ${JSON.stringify(result.positions)}`);
  }

  /** Every event of the log, in global order. */
  async wholeLog(): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    let checkpoint: string | null = null;
    for (;;) {
      const batch = await this.store.readAll(checkpoint, 1_000);
      if (batch.events.length === 0) return events;
      events.push(...batch.events);
      checkpoint = batch.checkpoint;
    }
  }

  /** What readers see: the engine's view of a projection, by key. */
  async viewRows(name: string): Promise<Map<string, unknown>> {
    const { rows } = await this.db.pool.query<{ key: string; data: unknown }>(
      `SELECT key, data FROM projections.${name} ORDER BY key`,
    );
    return new Map(rows.map((r) => [r.key, r.data]));
  }
}
