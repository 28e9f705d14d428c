import { runMigrations } from '@touchline/database';
import type { Checkpoint, EventStore, JsonObject } from '@touchline/event-store';
import type { Pool, PoolClient } from 'pg';
import type { ActivityObserver, EngineActivity } from './activity';
import { BuildRunner } from './build-runner';
import { RebuildNotCompletedError, UnknownProjectionError } from './errors';
import type { Backlog, LogStats } from './log-stats/log-stats.port';
import { PROJECTIONS_MIGRATION_SCOPE, projectionMigrations } from './migrations';
import { assertProjectionName, buildTableName, streamsTableName } from './names';
import { defineProjection, type AnyProjection } from './projection.definition';
import type {
  BuildProgress,
  PositionWaitResult,
  ProjectionStatus,
  RebuildStarted,
} from './projection-status';
import { Signal, sleep } from './signal';
import type { ProjectionSource, SourceHandle } from './source.port';
import { inProcessSource } from './sources/in-process.source';
import { SharedLogPages } from './sources/shared-log-pages';
import { deleteBuild, insertBuild, readBuilds, type BuildRow } from './sql/builds';
import { countDeadLetters, readDeadLetters, type DeadLetterRecord } from './sql/readDeadLetters';
import { readProgress, type PartitionProgress } from './sql/readProgress';
import { readRows } from './sql/readRows';
import { insertRegistry, lockProjection, nextGeneration, readRegistry } from './sql/registry';
import { setProjectionState } from './sql/setBuildState';
import { createStreamsTable, dropStreamsTable } from './sql/streamRevisions';
import { JsonbProjectionStorage } from './storage/jsonb-projection-storage';
import type { ProjectionStorage } from './storage/projection-storage.port';
import { commit, inTransaction } from '@touchline/database';

/** Makes the source of a live build; the default is the in-process feed from the store. */
export type SourceFactory = (build: {
  projection: string;
  version: number;
  generation: number;
}) => ProjectionSource;

export interface ProjectionEngineOptions {
  /** The read-model database. A pool of one connection works (the embedded profile). */
  pool: Pool;
  /** Feeds the in-process source and rebuilds, and orders checkpoints. */
  store: EventStore;
  logStats: LogStats;
  projections: readonly AnyProjection[];
  /** Source of live builds (a Kafka consumer group in the kafka profile). Rebuilds always read the store. */
  liveSource?: SourceFactory;
  /** Events per transaction of the default live source. Default 500. */
  batchSize?: number;
  /** Events per transaction of a rebuild. Default 2,000. */
  rebuildBatchSize?: number;
  /**
   * Rebuilds running at the same time read the log once: pages read by one are kept for the
   * others, up to this many events in memory. 0 turns the sharing off. Default 20,000.
   */
  rebuildSharedEvents?: number;
  /** How often the engine looks for builds started, stopped or switched by other processes. Default 1 s. */
  reconcileIntervalMs?: number;
  /** Work waiting this long without the checkpoint moving makes a projection unhealthy. Default 30 s. */
  stallThresholdMs?: number;
  /** Longest wait of the switch for its locks (long queries on the view) before it retries. Default 2 s. */
  switchLockTimeoutMs?: number;
  /** How often read-your-writes waits look at other processes' progress. Default 25 ms. */
  positionPollMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  observer?: ActivityObserver;
}

interface Running {
  runner: BuildRunner;
  handle: SourceHandle;
}

/**
 * Runs declared projections over a PostgreSQL pool: keeps each one's table, checkpoint and
 * per-stream revisions, rebuilds beside the live copy and switches reads atomically, reports
 * status, and answers read-your-writes waits. Several engines (processes) may run the same
 * projections: each batch is a compare-and-set on the checkpoint, so one of them wins and the
 * others roll back and continue from where the winner stopped.
 */
export class ProjectionEngine {
  private readonly definitions = new Map<string, AnyProjection>();
  private readonly storages = new Map<string, ProjectionStorage>();
  private readonly running = new Map<string, Running>();
  private readonly committed = new Signal();
  private readonly pool: Pool;
  private readonly observe: ActivityObserver;
  /** The log pages the rebuilds of this engine share (see SharedLogPages). */
  private readonly rebuildPages: SharedLogPages | undefined;
  private reconciling: Promise<void> = Promise.resolve();
  private reconcileQueued = false;
  private timer: NodeJS.Timeout | undefined;
  /** Only a started engine runs builds; one that is not serves status, reads and waits (an API node). */
  private started = false;
  private closed = false;

  constructor(private readonly options: ProjectionEngineOptions) {
    this.pool = options.pool;
    const shared = options.rebuildSharedEvents ?? 20_000;
    this.rebuildPages =
      shared > 0 ? new SharedLogPages(options.store, { maxEvents: shared }) : undefined;
    const observer = options.observer;
    this.observe = (activity: EngineActivity) => {
      try {
        observer?.(activity);
      } catch {
        // An observer's failure must not stop projections.
      }
    };
    for (const definition of options.projections) {
      const checked = defineProjection(definition);
      if (this.definitions.has(checked.name))
        throw new TypeError(`Projection ${checked.name} is registered twice`);
      this.definitions.set(checked.name, checked);
      this.storages.set(
        checked.name,
        new JsonbProjectionStorage(checked.name, checked.table?.indexes ?? []),
      );
    }
  }

  /** Applies the engine's migrations (schema `projections`); idempotent, safe from concurrent starts. */
  static async migrate(pool: Pool): Promise<void> {
    await runMigrations(pool, PROJECTIONS_MIGRATION_SCOPE, projectionMigrations);
  }

  /**
   * Creates missing projections (table, view, registry row), starts a rebuild for a projection whose
   * deployed version is newer than the live one, then runs every build of this version.
   */
  async start(): Promise<void> {
    if (this.closed) throw new Error('ProjectionEngine is closed');
    for (const definition of this.definitions.values()) await this.ensure(definition);
    this.started = true;
    await this.reconcileSoon();
    this.timer = setInterval(
      () => void this.reconcileSoon(),
      this.options.reconcileIntervalMs ?? 1_000,
    );
    this.timer.unref();
  }

  /**
   * What start() does before running anything: creates missing projections and starts the rebuild
   * of a newer version, and runs nothing. For a process that serves queries while another one (the
   * worker) runs the projections: the views it reads exist from its first request.
   */
  async prepare(): Promise<void> {
    if (this.closed) throw new Error('ProjectionEngine is closed');
    for (const definition of this.definitions.values()) await this.ensure(definition);
  }

  /** Stops this engine's runners after their batch in hand. The pool belongs to the caller. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.reconciling;
    await Promise.all([...this.running.values()].map((r) => this.stopRunner(r)));
    this.running.clear();
  }

  /**
   * Starts building the projection again, from the start of the log, beside the live copy; reads
   * switch to it once it has caught up (see waitForRebuild and status). Joins a rebuild of the same
   * version under way; replaces one that failed or was stopped.
   */
  async rebuild(name: string): Promise<RebuildStarted> {
    const definition = this.definition(name);
    const target = await this.options.logStats.head();
    const started = await inTransaction(this.pool, async (client) => {
      await lockProjection(client, name);
      if (!(await readRegistry(client, name))) throw new UnknownProjectionError(name);
      return commit(await this.startRebuild(client, definition, target, true));
    });
    if (!started.alreadyRunning) {
      this.observe({
        type: 'rebuild-started',
        projection: name,
        version: started.version,
        generation: started.generation,
      });
    }
    await this.reconcileSoon();
    return started;
  }

  /** Resolves when the rebuild's generation serves reads; throws if it failed, was cancelled or stopped, or on timeout. */
  async waitForRebuild(
    name: string,
    generation: number,
    { timeoutMs = 60_000 } = {},
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const builds = await readBuilds(this.pool, [name]);
      const build = builds.find((b) => b.generation === generation);
      const live = builds.find((b) => b.live);
      if (build?.live || (live && live.generation > generation)) return;
      const fail = (reason: RebuildNotCompletedError['reason']) =>
        new RebuildNotCompletedError(name, generation, reason, build?.last_error ?? null);
      if (!build) throw fail('cancelled');
      if (build.state === 'failed') throw fail('failed');
      if (build.state === 'stopped') throw fail('stopped');
      const left = deadline - Date.now();
      if (left <= 0) throw fail('timeout');
      await Promise.race([
        this.committed.promise,
        sleep(Math.min(this.options.positionPollMs ?? 25, left)),
      ]);
    }
  }

  /** Drops a rebuild under way (its table and checkpoint); the live copy is untouched. */
  async cancelRebuild(name: string): Promise<boolean> {
    this.definition(name);
    const cancelled = await inTransaction(this.pool, async (client) => {
      await lockProjection(client, name);
      const building = await this.lockRebuild(client, name);
      if (building) await this.dropBuild(client, building);
      return commit(building !== undefined);
    });
    await this.reconcileSoon();
    return cancelled;
  }

  /** Operator stop: no build of the projection moves until resume. */
  async stop(name: string): Promise<void> {
    await this.setState(name, 'stopped');
  }

  /** Runs a stopped or failed projection again; a failed one retries the event it stopped at. */
  async resume(name: string): Promise<void> {
    await this.setState(name, 'running');
  }

  /**
   * Resolves once every named projection's live copy has applied `checkpoint` (reached: true), or
   * after `timeoutMs` with reached: false; both with the positions. Never rejects on timeout: the
   * caller decides (the query API answers 409/503 with the positions).
   */
  async waitForPosition(
    names: readonly string[],
    checkpoint: Checkpoint,
    timeoutMs: number,
  ): Promise<PositionWaitResult> {
    const deadline = Date.now() + timeoutMs;
    await this.assertRegistered(names);
    for (;;) {
      const progress = await readProgress(this.pool, names, true);
      const positions: Record<string, Checkpoint | null> = {};
      for (const name of names)
        positions[name] = this.lowest(progress.filter((p) => p.name === name));
      const reached = names.every(
        (n) => this.options.store.compareCheckpoints(positions[n]!, checkpoint) >= 0,
      );
      const left = deadline - Date.now();
      if (reached || left <= 0) return { reached, positions };
      await Promise.race([
        this.committed.promise,
        sleep(Math.min(this.options.positionPollMs ?? 25, left)),
      ]);
    }
  }

  async getRow<Row extends JsonObject = JsonObject>(
    name: string,
    key: string,
  ): Promise<Row | null> {
    return ((await this.getRows<Row>(name, [key])).get(key) ?? null) as Row | null;
  }

  async getRows<Row extends JsonObject = JsonObject>(
    name: string,
    keys: readonly string[],
  ): Promise<Map<string, Row>> {
    assertProjectionName(name);
    return (await readRows(this.pool, name, keys)) as Map<string, Row>;
  }

  async deadLetters(name: string, { limit = 100 } = {}): Promise<DeadLetterRecord[]> {
    assertProjectionName(name);
    return readDeadLetters(this.pool, name, limit);
  }

  /** Every projection in the registry (also those this process does not run), with its rebuild if any. */
  async status(): Promise<ProjectionStatus[]> {
    const builds = await readBuilds(this.pool, null);
    const progress = await readProgress(this.pool, null, false);
    const deadLetters = await countDeadLetters(this.pool);
    const now = (await this.options.logStats.now()).getTime();
    const threshold = this.options.stallThresholdMs ?? 30_000;
    let logSize: number | undefined;

    const measure = async (build: BuildRow): Promise<BuildProgress> => {
      const partitions = progress.filter(
        (p) => p.name === build.name && p.generation === build.generation,
      );
      const checkpoint = this.lowest(partitions);
      const backlog: Backlog = await this.options.logStats.backlog(checkpoint);
      const lastMovedAt = latest(partitions.map((p) => p.moved_at));
      const waitingSince = Math.max(
        (lastMovedAt ?? build.created_at).getTime(),
        backlog.oldestRecordedAt?.getTime() ?? 0,
      );
      return {
        version: build.version,
        generation: build.generation,
        checkpoint,
        lagEvents: backlog.events,
        lagSeconds: backlog.oldestRecordedAt
          ? Math.max(0, (now - backlog.oldestRecordedAt.getTime()) / 1000)
          : 0,
        lastMovedAt,
        lastEventRecordedAt: latest(partitions.map((p) => p.last_recorded_at)),
        stalledForMs: backlog.events > 0 ? Math.max(0, now - waitingSince) : 0,
      };
    };

    const statuses: ProjectionStatus[] = [];
    for (const live of builds.filter((b) => b.live)) {
      const measured = await measure(live);
      const building = builds.find((b) => b.name === live.name && !b.live);
      let rebuild: ProjectionStatus['rebuild'] = null;
      if (building) {
        const progressOfRebuild = await measure(building);
        logSize ??= (await this.options.logStats.backlog(null)).events;
        rebuild = {
          ...progressOfRebuild,
          state: building.state,
          applied: Math.max(0, logSize - progressOfRebuild.lagEvents),
          total: logSize,
          startedAt: building.created_at,
          lastError: building.last_error,
        };
      }
      const stalled = measured.lagEvents > 0 && measured.stalledForMs > threshold;
      statuses.push({
        name: live.name,
        ...measured,
        state: live.state === 'running' ? (building ? 'rebuilding' : 'running') : live.state,
        caughtUp: measured.lagEvents === 0,
        healthy: live.state !== 'failed' && !stalled,
        lastError: live.last_error
          ? { message: live.last_error, at: live.last_error_at, event: live.failed_event }
          : null,
        deadLetters: deadLetters.get(`${live.name}#${live.generation}`) ?? 0,
        rebuild,
      });
    }
    return statuses;
  }

  private definition(name: string): AnyProjection {
    const definition = this.definitions.get(name);
    if (!definition) throw new UnknownProjectionError(name);
    return definition;
  }

  private async ensure(definition: AnyProjection): Promise<void> {
    const { name } = definition;
    const target = await this.options.logStats.head();
    const started = await inTransaction(this.pool, async (client) => {
      await lockProjection(client, name);
      if (!(await readRegistry(client, name))) {
        await insertRegistry(client, name, 1);
        const table = await this.createBuild(client, definition, 1, null);
        await this.storages.get(name)!.publish(client, name, table);
        return commit(null);
      }
      const live = (await readBuilds(client, [name])).find((b) => b.live)!;
      if (live.version > definition.version) {
        this.observe({
          type: 'error',
          projection: name,
          phase: 'version',
          error: new Error(
            `Projection ${name}: the live version ${live.version} is newer than this process's ${definition.version}; it is left to newer processes`,
          ),
        });
      }
      if (live.version >= definition.version) return commit(null);
      return commit(await this.startRebuild(client, definition, target, false));
    });
    if (started && !started.alreadyRunning) {
      this.observe({
        type: 'rebuild-started',
        projection: name,
        version: started.version,
        generation: started.generation,
      });
    }
  }

  /**
   * Under the projection's advisory lock. A rebuild of this version that is running is joined. Any
   * other one is dropped, unless it belongs to a newer version (a newer process owns it), or unless
   * a version upgrade finds one of its own version stopped or failed (left to the operator).
   */
  private async startRebuild(
    client: PoolClient,
    definition: AnyProjection,
    target: Checkpoint | null,
    replaceStopped: boolean,
  ): Promise<RebuildStarted> {
    const { name, version } = definition;
    const building = await this.lockRebuild(client, name);
    if (building) {
      const same = building.version === version;
      if (
        building.version > version ||
        (same && (building.state === 'running' || !replaceStopped))
      ) {
        return {
          projection: name,
          version: building.version,
          generation: building.generation,
          alreadyRunning: true,
        };
      }
      await this.dropBuild(client, building);
    }
    const generation = await nextGeneration(client, name);
    await this.createBuild(client, definition, generation, target, { deferIndexes: true });
    return { projection: name, version, generation, alreadyRunning: false };
  }

  private async createBuild(
    client: PoolClient,
    definition: AnyProjection,
    generation: number,
    target: Checkpoint | null,
    options: { deferIndexes?: boolean } = {},
  ): Promise<string> {
    const table = buildTableName(definition.name, definition.version, generation);
    await insertBuild(client, {
      name: definition.name,
      generation,
      version: definition.version,
      storage: definition.table?.kind ?? 'jsonb',
      table,
      targetPosition: target,
    });
    await this.storages.get(definition.name)!.create(client, table, options);
    await createStreamsTable(client, streamsTableName(table));
    return table;
  }

  /**
   * The build beside the live one, locked. It is read again once locked because a switch in flight
   * (which holds its lock) may have made it the live build meanwhile. Only this row is locked, never
   * the live one: the switch takes the rebuild's row and then the live one, and so must we.
   */
  private async lockRebuild(client: PoolClient, name: string): Promise<BuildRow | undefined> {
    const candidate = (await readBuilds(client, [name])).find((b) => !b.live);
    if (!candidate) return undefined;
    await client.query(
      `SELECT 1 FROM projections.builds WHERE name = $1 AND generation = $2 FOR UPDATE`,
      [name, candidate.generation],
    );
    const fresh = (await readBuilds(client, [name])).find(
      (b) => b.generation === candidate.generation,
    );
    return fresh && !fresh.live ? fresh : undefined;
  }

  private async dropBuild(client: PoolClient, build: BuildRow): Promise<void> {
    await deleteBuild(client, build.name, build.generation);
    await this.storages.get(build.name)!.drop(client, build.table_name);
    await dropStreamsTable(client, streamsTableName(build.table_name));
  }

  private async setState(name: string, state: 'running' | 'stopped'): Promise<void> {
    this.definition(name);
    await inTransaction(this.pool, async (client) =>
      commit(await setProjectionState(client, name, state)),
    );
    await this.reconcileSoon();
  }

  private async assertRegistered(names: readonly string[]): Promise<void> {
    const { rows } = await this.pool.query<{ name: string }>(
      'SELECT name FROM projections.registry WHERE name = ANY ($1::text[])',
      [[...names]],
    );
    const known = new Set(rows.map((r) => r.name));
    const unknown = names.find((n) => !known.has(n));
    if (unknown !== undefined) throw new UnknownProjectionError(unknown);
  }

  /** The position a build has applied everywhere: the lowest of its partitions (null: nothing yet). */
  private lowest(partitions: readonly PartitionProgress[]): Checkpoint | null {
    if (partitions.length === 0) return null;
    return partitions
      .map((p) => p.applied_position)
      .reduce((min, p) => (this.options.store.compareCheckpoints(p, min) < 0 ? p : min));
  }

  /** Queues one reconciliation after the one under way; calls in the meantime share it. */
  private reconcileSoon(): Promise<void> {
    if (this.closed || !this.started || this.reconcileQueued) return this.reconciling;
    this.reconcileQueued = true;
    this.reconciling = this.reconciling.then(async () => {
      this.reconcileQueued = false;
      try {
        await this.reconcile();
      } catch (error) {
        this.observe({ type: 'error', phase: 'reconcile', error });
      }
    });
    return this.reconciling;
  }

  /** Runs exactly the builds that should run here: this version's, in state running, live or building. */
  private async reconcile(): Promise<void> {
    if (this.closed) return;
    const builds = await readBuilds(this.pool, [...this.definitions.keys()]);
    const wanted = new Map<string, BuildRow>();
    for (const build of builds) {
      if (build.state !== 'running' || build.version !== this.definitions.get(build.name)!.version)
        continue;
      wanted.set(runnerKey(build), build);
    }
    for (const [key, running] of this.running) {
      if (wanted.has(key) && !running.runner.halted) continue;
      this.running.delete(key);
      await this.stopRunner(running);
    }
    for (const [key, build] of wanted) {
      if (!this.running.has(key) && !this.closed) this.running.set(key, this.startRunner(build));
    }
  }

  private startRunner(build: BuildRow): Running {
    const definition = this.definitions.get(build.name)!;
    const role = build.live ? 'live' : 'building';
    const runner = new BuildRunner(
      {
        name: build.name,
        generation: build.generation,
        version: build.version,
        table: build.table_name,
        role,
      },
      {
        pool: this.pool,
        definition,
        storage: this.storages.get(build.name)!,
        compare: (a, b) => this.options.store.compareCheckpoints(a, b),
        observe: this.observe,
        committed: () => this.committed.notify(),
        halted: () => void this.reconcileSoon(),
        switchLockTimeoutMs: this.options.switchLockTimeoutMs ?? 2_000,
        retryMinMs: this.options.retryMinMs ?? 50,
        retryMaxMs: this.options.retryMaxMs ?? 5_000,
        readStream: (streamId) => this.options.store.readStream(streamId),
      },
    );
    const source =
      role === 'live' && this.options.liveSource
        ? this.options.liveSource({
            projection: build.name,
            version: build.version,
            generation: build.generation,
          })
        : role === 'live'
          ? inProcessSource(this.options.store, { batchSize: this.options.batchSize ?? 500 })
          : inProcessSource(this.options.store, {
              batchSize: this.options.rebuildBatchSize ?? 2_000,
              sharedHistory: this.rebuildPages,
            });
    const handle = source.open(runner);
    void handle.done.then(
      () => this.reconcileSoon(),
      (error: unknown) => {
        this.observe({
          type: 'error',
          projection: build.name,
          generation: build.generation,
          phase: 'source',
          error,
        });
        void this.reconcileSoon();
      },
    );
    if (role === 'building') void runner.trySwitch();
    return { runner, handle };
  }

  private async stopRunner({ runner, handle }: Running): Promise<void> {
    runner.halt();
    await handle.stop().catch(() => undefined);
  }
}

function runnerKey(build: BuildRow): string {
  return `${build.name}#${build.generation}#${build.live ? 'live' : 'building'}`;
}

function latest(dates: readonly (Date | null)[]): Date | null {
  return dates.reduce<Date | null>((max, d) => (d && (!max || d > max) ? d : max), null);
}
