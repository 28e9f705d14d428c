import { PostgresEventStore } from '@touchline/event-store';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import type { Pool } from 'pg';
import type { EngineActivity } from '../activity';
import { PostgresLogStats } from '../log-stats/postgres-log-stats';
import { qualified } from '../names';
import { ProjectionEngine, type ProjectionEngineOptions } from '../projection-engine';
import type { ProjectionSource, SourceConsumer, SourceHandle } from '../source.port';

/** One database, store and migrations per spec file; engines made by `engine()` are closed by `closeEngines()`. */
export class EngineHarness {
  db!: TestDatabase;
  store!: PostgresEventStore;
  private readonly engines: ProjectionEngine[] = [];

  async setup(): Promise<void> {
    this.db = await createTestDatabase();
    await PostgresEventStore.migrate(this.db.pool);
    await ProjectionEngine.migrate(this.db.pool);
    this.store = new PostgresEventStore(this.db.pool, { idlePollMs: 20 });
  }

  get pool(): Pool {
    return this.db.pool;
  }

  engine(
    options: Partial<ProjectionEngineOptions> & Pick<ProjectionEngineOptions, 'projections'>,
    pool = this.pool,
  ): ProjectionEngine {
    const engine = new ProjectionEngine({
      pool,
      store: this.store,
      logStats: new PostgresLogStats(pool),
      reconcileIntervalMs: 100,
      retryMinMs: 10,
      retryMaxMs: 200,
      ...options,
    });
    this.engines.push(engine);
    return engine;
  }

  async closeEngines(): Promise<void> {
    await Promise.all(this.engines.splice(0).map((e) => e.close()));
  }

  async teardown(): Promise<void> {
    await this.closeEngines();
    await this.store?.close();
    await this.db?.destroy();
  }

  /** What readers see: the view's rows, by key. */
  async viewRows(name: string): Promise<Record<string, unknown>> {
    const { rows } = await this.pool.query<{ key: string; data: unknown }>(
      `SELECT key, data FROM ${qualified(name)} ORDER BY key`,
    );
    return Object.fromEntries(rows.map((r) => [r.key, r.data]));
  }

  /** The names of a table's indexes, sorted. */
  async indexesOf(table: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'projections' AND tablename = $1 ORDER BY indexname`,
      [table],
    );
    return rows.map((r) => r.indexname);
  }

  async tableExists(table: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [
      `projections.${table}`,
    ]);
    return rows[0]!.t !== null;
  }
}

/** A source driven by the test, as the Kafka consumer group will drive the engine. */
export class ManualSource implements ProjectionSource {
  consumer: SourceConsumer | undefined;

  open(consumer: SourceConsumer): SourceHandle {
    this.consumer = consumer;
    let end: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (end = resolve));
    return {
      done,
      async stop() {
        end();
        await done;
      },
    };
  }
}

export function recordActivity(): {
  activities: EngineActivity[];
  observer: (a: EngineActivity) => void;
} {
  const activities: EngineActivity[] = [];
  return { activities, observer: (a) => activities.push(a) };
}
