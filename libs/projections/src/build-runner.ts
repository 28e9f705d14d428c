import type { Checkpoint, JsonObject, RecordedEvent } from '@touchline/event-store';
import type { Pool, PoolClient } from 'pg';
import type { ActivityObserver } from './activity';
import { errorCode, isDataError } from './errors';
import { deepFreeze, describe, foldCandidates, selectCandidates, type FoldResult } from './fold';
import { foldIdentityBatch } from './identity/identity-batch';
import { IdentityFoldNeedsError } from './identity/identity-fold';
import { streamsTableName } from './names';
import type { AnyProjection, PoisonPolicy } from './projection.definition';
import { poisonPolicy } from './projection.definition';
import type {
  BatchOutcome,
  PartitionMark,
  SourceBatch,
  SourceConsumer,
  SourceRecord,
  UnreadableRecord,
} from './source.port';
import { deleteBuild } from './sql/builds';
import { lockBuild } from './sql/lockBuild';
import { lockBuildCheckpoints, lockCheckpoint, type CheckpointRow } from './sql/lockCheckpoint';
import { readCursor } from './sql/readCursor';
import { recordDeadLetters } from './sql/recordDeadLetters';
import { readRegistry } from './sql/registry';
import { advanceCheckpoint, setPartitions } from './sql/partitionCheckpoints';
import { markBuildFailed, recordBuildError } from './sql/setBuildState';
import { storeCheckpoint } from './sql/storeCheckpoint';
import { dropStreamsTable, readStreamRevisions, storeStreamRevisions } from './sql/streamRevisions';
import type { ProjectionStorage } from './storage/projection-storage.port';
import { commit, inTransaction, rollback } from '@touchline/database';

export interface BuildRef {
  name: string;
  generation: number;
  version: number;
  table: string;
  /** A live build feeds queries; a building one is a rebuild that switches in when caught up. */
  role: 'live' | 'building';
}

export interface RunnerContext {
  pool: Pool;
  definition: AnyProjection;
  storage: ProjectionStorage;
  compare: (a: Checkpoint | null, b: Checkpoint | null) => number;
  observe: ActivityObserver;
  /** A transaction of this runner committed (wakes read-your-writes waiters). */
  committed: () => void;
  /** The runner halted (stopped, failed, retired or switched): the engine reconciles. */
  halted: () => void;
  switchLockTimeoutMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  /** Reads one stream from the event store: identity-aware projections fold groups again from it. */
  readStream: (streamId: string) => Promise<RecordedEvent[]>;
}

type Attempt =
  | { kind: 'halt' }
  | { kind: 'resync'; expected: string | null; actual: string | null }
  | {
      kind: 'committed';
      cursor: string | null;
      folded: FoldResult;
      complete: boolean;
      switched: boolean;
    };

/**
 * Applies a source's batches to one build. Each batch is one transaction:
 *   lock build (share) → lock partition checkpoint and compare with the cursor the batch continues
 *   from → skip events at or below their stream's applied revision → load and lock the rows →
 *   fold → write rows, stream revisions, dead letters, checkpoint → (rebuild) switch if caught up.
 * A failed compare rolls back before anything is written. Transient failures are retried with
 * backoff; a data error halves the batch until it finds the event the database refuses: poison.
 */
export class BuildRunner implements SourceConsumer {
  private readonly expected = new Map<string, string | null>();
  private isHalted = false;
  private wakeHalt: () => void = () => undefined;
  private readonly haltSignal = new Promise<void>((resolve) => (this.wakeHalt = resolve));
  private switchTimer: NodeJS.Timeout | undefined;
  /** The generation this build replaced, for the 'switched' report. */
  private switchedFrom = 0;
  /**
   * Row locks guard rows shared by partitions applied in parallel (Kafka). A rebuild has one
   * partition, `$all` (it always reads the store), and every runner of it, in any process, takes
   * that checkpoint's row lock first: its batches are serialized already, and nobody else writes
   * its table before the switch. Its rows are read without locking them (no lock written to each
   * tuple right before the same tuple is updated).
   */
  private get lockRows(): boolean {
    return this.build.role !== 'building';
  }

  constructor(
    readonly build: BuildRef,
    private readonly ctx: RunnerContext,
  ) {}

  get halted(): boolean {
    return this.isHalted;
  }

  /** No further batch is applied; one in flight finishes its transaction. */
  halt(): void {
    if (this.isHalted) return;
    this.isHalted = true;
    this.wakeHalt();
    clearTimeout(this.switchTimer);
    this.ctx.halted();
  }

  async cursorOf(partition: string): Promise<string | null> {
    const cursor = await readCursor(
      this.ctx.pool,
      this.build.name,
      this.build.generation,
      partition,
    );
    this.expected.set(partition, cursor);
    return cursor;
  }

  reportSourceError(error: unknown): void {
    this.ctx.observe({
      type: 'error',
      projection: this.build.name,
      generation: this.build.generation,
      phase: 'source',
      error,
    });
  }

  async apply(batch: SourceBatch): Promise<BatchOutcome> {
    if (this.isHalted) return 'halt';
    if (batch.records.length === 0) return 'applied';
    if (!this.expected.has(batch.partition)) return 'resync';
    const outcome = await this.applyRecords(batch.partition, batch.records);
    if (outcome.complete && batch.commit) {
      try {
        await batch.commit();
      } catch (error) {
        this.ctx.observe({
          type: 'error',
          projection: this.build.name,
          generation: this.build.generation,
          phase: 'source-commit',
          error,
        });
      }
    }
    if (outcome.outcome === 'halt') this.halt();
    return outcome.outcome;
  }

  async usePartitions(partitions: readonly string[]): Promise<BatchOutcome> {
    if (this.isHalted) return 'halt';
    const { name, generation } = this.build;
    const outcome = await inTransaction<BatchOutcome>(this.ctx.pool, async (client) => {
      const build = await lockBuild(client, name, generation);
      if (!build || build.state !== 'running') return rollback('halt');
      // The rows being replaced ('$all' of the rebuild that made this build) applied every event
      // up to their position, whatever partition it went to: new partitions start from there
      // (their records up to it are skipped by revision), so the position does not fall back.
      const replaced = (await lockBuildCheckpoints(client, name, generation)).filter(
        (c) => !partitions.includes(c.source_partition),
      );
      const seed = replaced.reduce<string | null>(
        (min, c, i) =>
          i === 0 || this.ctx.compare(c.applied_position, min) < 0 ? c.applied_position : min,
        null,
      );
      await setPartitions(client, name, generation, partitions, seed);
      return commit('applied');
    });
    for (const partition of this.expected.keys())
      if (!partitions.includes(partition)) this.expected.delete(partition);
    if (outcome === 'halt') this.halt();
    return outcome;
  }

  async advance(partition: string, mark: PartitionMark): Promise<BatchOutcome> {
    const outcome = await this.atCursor(partition, async (client, checkpoint) => {
      const position =
        this.ctx.compare(mark.position, checkpoint.applied_position) > 0
          ? mark.position
          : checkpoint.applied_position;
      if (mark.cursor === checkpoint.source_cursor && position === checkpoint.applied_position)
        return 'unchanged';
      await advanceCheckpoint(client, this.build.name, this.build.generation, partition, {
        cursor: mark.cursor,
        position,
      });
      return { cursor: mark.cursor };
    });
    return outcome === 'failed' ? 'halt' : outcome;
  }

  async reject(partition: string, record: UnreadableRecord): Promise<BatchOutcome> {
    const { name, version, generation } = this.build;
    let policy = poisonPolicy(this.ctx.definition);
    let outcome: BatchOutcome | 'failed';
    for (;;) {
      try {
        outcome = await this.atCursor(partition, async (client, checkpoint) => {
          if (policy === 'stop') {
            await markBuildFailed(client, name, generation, record.reason, record.claimed);
            return 'failed';
          }
          await recordDeadLetters(client, { name, version, generation }, [
            { event: record.claimed, reason: record.reason },
          ]);
          await advanceCheckpoint(client, name, generation, partition, {
            cursor: record.cursor,
            position: checkpoint.applied_position,
          });
          return { cursor: record.cursor };
        });
        break;
      } catch (error) {
        // Even recording the dead letter was refused: stopping is all that is left.
        if (policy === 'dead-letter' && isDataError(error)) policy = 'stop';
        else throw error;
      }
    }
    if (outcome === 'applied' || outcome === 'failed') {
      this.ctx.observe({
        type: 'poison',
        projection: name,
        generation,
        policy,
        eventId: record.claimed.eventId,
        streamId: record.claimed.streamId,
        revision: record.claimed.revision,
        reason: record.reason,
      });
    }
    return outcome === 'failed' ? 'halt' : outcome;
  }

  async fail(partition: string, reason: string): Promise<BatchOutcome> {
    const { name, generation } = this.build;
    const outcome = await this.atCursor(partition, async (client) => {
      await markBuildFailed(client, name, generation, reason, null);
      return 'failed';
    });
    return outcome === 'failed' ? 'halt' : outcome;
  }

  /**
   * One transaction on a partition's checkpoint outside a batch, with apply's compare-and-set: the
   * build must be running and the cursor the one this runner last read or wrote, or nothing is
   * written ('halt', 'resync'). `work` stores a new cursor, finds nothing to change, or marks the
   * build failed ('failed': the runner halts).
   */
  private async atCursor(
    partition: string,
    work: (
      client: PoolClient,
      checkpoint: CheckpointRow,
    ) => Promise<{ cursor: string | null } | 'unchanged' | 'failed'>,
  ): Promise<BatchOutcome | 'failed'> {
    if (this.isHalted) return 'halt';
    if (!this.expected.has(partition)) return 'resync';
    const { name, generation } = this.build;
    const expected = this.expected.get(partition) ?? null;
    const result = await inTransaction<
      'halt' | 'resync' | 'unchanged' | 'failed' | { cursor: string | null }
    >(this.ctx.pool, async (client) => {
      const build = await lockBuild(client, name, generation);
      if (!build || build.state !== 'running') return rollback('halt');
      const checkpoint = await lockCheckpoint(client, name, generation, partition);
      if (checkpoint.source_cursor !== expected) return rollback('resync');
      const done = await work(client, checkpoint);
      return done === 'unchanged' ? rollback(done) : commit(done);
    });
    if (result === 'unchanged') return 'applied';
    if (result === 'resync') {
      this.expected.delete(partition);
      return 'resync';
    }
    if (result === 'halt' || result === 'failed') {
      this.halt();
      return result;
    }
    this.expected.set(partition, result.cursor);
    this.ctx.committed();
    return 'applied';
  }

  /**
   * Attempts the switch outside a batch: when the rebuild starts (an empty log brings no batch),
   * and after a switch that could not take its locks in time.
   */
  async trySwitch(): Promise<boolean> {
    if (this.isHalted || this.build.role !== 'building') return false;
    let switched: boolean;
    try {
      switched = await inTransaction(this.ctx.pool, async (client) => {
        const build = await lockBuild(client, this.build.name, this.build.generation);
        if (!build || build.state !== 'running') return rollback(false);
        return commit(await this.switchIfCaughtUp(client, build.target_position));
      });
    } catch (error) {
      this.ctx.observe({
        type: 'error',
        projection: this.build.name,
        generation: this.build.generation,
        phase: 'switch',
        error,
      });
      this.scheduleSwitch();
      return false;
    }
    if (switched) {
      this.ctx.committed();
      this.observeSwitch();
      this.halt();
    }
    return switched;
  }

  private async applyRecords(
    partition: string,
    records: readonly SourceRecord[],
  ): Promise<{ outcome: BatchOutcome; complete: boolean }> {
    let backoff = 0;
    let forced = new Map<number, string>();
    // Streams an identity-aware batch folds again, read from the store outside its transaction.
    const histories = new Map<string, RecordedEvent[]>();
    let policy = poisonPolicy(this.ctx.definition);
    for (;;) {
      if (this.isHalted) return { outcome: 'halt', complete: false };
      let attempt: Attempt;
      const started = Date.now();
      try {
        attempt = await this.applyOnce(partition, records, forced, policy, histories);
      } catch (error) {
        if (error instanceof IdentityFoldNeedsError && error.streams.length > 0) {
          try {
            const read = await Promise.all(error.streams.map((s) => this.ctx.readStream(s)));
            error.streams.forEach((stream, i) => histories.set(stream, read[i]!));
          } catch (readError) {
            await this.backoff((backoff = nextBackoff(backoff, this.ctx)), readError);
          }
          continue;
        }
        if (isDataError(error)) {
          if (records.length > 1) return this.applySplit(partition, records);
          if (forced.size === 0) {
            forced = new Map([[0, describe(error)]]);
          } else if (policy === 'dead-letter') {
            // Even recording the dead letter was refused: stopping is all that is left.
            policy = 'stop';
          } else {
            await this.backoff((backoff = nextBackoff(backoff, this.ctx)), error);
          }
          continue;
        }
        await this.backoff((backoff = nextBackoff(backoff, this.ctx)), error);
        continue;
      }
      return this.settle(partition, records, attempt, Date.now() - started);
    }
  }

  /** Halves a batch the database refused until the refused event stands alone: about 2·log2(n) transactions. */
  private async applySplit(
    partition: string,
    records: readonly SourceRecord[],
  ): Promise<{ outcome: BatchOutcome; complete: boolean }> {
    const middle = Math.ceil(records.length / 2);
    for (const part of [records.slice(0, middle), records.slice(middle)]) {
      const result = await this.applyRecords(partition, part);
      if (result.outcome !== 'applied' || !result.complete) return result;
    }
    return { outcome: 'applied', complete: true };
  }

  private settle(
    partition: string,
    records: readonly SourceRecord[],
    attempt: Attempt,
    durationMs: number,
  ): { outcome: BatchOutcome; complete: boolean } {
    const { name, generation } = this.build;
    if (attempt.kind === 'halt') return { outcome: 'halt', complete: false };
    if (attempt.kind === 'resync') {
      this.expected.delete(partition);
      this.ctx.observe({
        type: 'checkpoint-conflict',
        projection: name,
        generation,
        partition,
        expected: attempt.expected,
        actual: attempt.actual,
      });
      return { outcome: 'resync', complete: false };
    }
    this.expected.set(partition, attempt.cursor);
    this.ctx.committed();
    const { folded } = attempt;
    const policy = folded.stop ? 'stop' : 'dead-letter';
    for (const { event, reason } of folded.stop ? [folded.stop] : folded.deadLetters) {
      this.ctx.observe({
        type: 'poison',
        projection: name,
        generation,
        policy,
        eventId: event.eventId,
        streamId: event.streamId,
        revision: event.revision,
        reason,
      });
    }
    this.ctx.observe({
      type: 'batch-committed',
      projection: name,
      generation,
      partition,
      events: records.length,
      applied: folded.applied,
      deadLettered: folded.deadLetters.length,
      durationMs,
    });
    if (attempt.switched) this.observeSwitch();
    return {
      outcome: folded.stop || attempt.switched ? 'halt' : 'applied',
      complete: attempt.complete,
    };
  }

  private async applyOnce(
    partition: string,
    records: readonly SourceRecord[],
    forced: ReadonlyMap<number, string>,
    policy: PoisonPolicy,
    histories: ReadonlyMap<string, readonly RecordedEvent[]>,
  ): Promise<Attempt> {
    const { name, generation, version, table } = this.build;
    const { definition, storage, compare } = this.ctx;
    const expected = this.expected.get(partition) ?? null;
    return inTransaction<Attempt>(this.ctx.pool, async (client) => {
      // A rebuild's batch need not wait for its WAL flush: a crash can lose only whole batches,
      // rows and checkpoint together, which the rebuild then applies again. Nobody reads the
      // build before the switch, and the switch itself commits synchronously (switchIfCaughtUp).
      if (this.build.role === 'building') await client.query('SET LOCAL synchronous_commit = off');
      const build = await lockBuild(client, name, generation);
      if (!build || build.state !== 'running') return rollback({ kind: 'halt' });
      const checkpoint = await lockCheckpoint(client, name, generation, partition);
      if (checkpoint.source_cursor !== expected) {
        return rollback({ kind: 'resync', expected, actual: checkpoint.source_cursor });
      }

      const { folded, existed } = definition.identity
        ? await foldIdentityBatch({
            client,
            definition,
            storage,
            build: { name, generation, table, streamsTable: streamsTableName(table) },
            records,
            policy,
            forced,
            compare,
            histories,
            lockRows: this.lockRows,
          })
        : await this.foldPlain(client, records, forced, policy);

      await storage.saveRows(client, table, folded.writes, existed);
      await storeStreamRevisions(client, streamsTableName(table), folded.revisions);
      await recordDeadLetters(client, { name, version, generation }, folded.deadLetters);
      const end = folded.stop ? folded.stop.index : records.length;
      let cursor = expected;
      let appliedPosition = checkpoint.applied_position;
      if (end > 0) {
        const last = records[end - 1]!;
        const position =
          compare(last.event.position, checkpoint.applied_position) > 0
            ? last.event.position
            : checkpoint.applied_position!;
        cursor = last.cursor;
        appliedPosition = position;
        await storeCheckpoint(client, name, generation, partition, {
          cursor,
          position,
          lastRecordedAt: last.event.recordedAt,
        });
      }
      if (folded.stop)
        await markBuildFailed(client, name, generation, folded.stop.reason, folded.stop.event);
      // The build has reached at most what this partition has: below the target, no switch yet
      // (and no need to lock every checkpoint of the build to find that out).
      const switched =
        this.build.role === 'building' &&
        !folded.stop &&
        compare(appliedPosition, build.target_position) >= 0 &&
        (await this.switchIfCaughtUp(client, build.target_position));
      return commit({ kind: 'committed', cursor, folded, complete: !folded.stop, switched });
    });
  }

  /** A batch of a projection without identity resolution: every event counts for its own stream. */
  private async foldPlain(
    client: PoolClient,
    records: readonly SourceRecord[],
    forced: ReadonlyMap<number, string>,
    policy: PoisonPolicy,
  ): Promise<{ folded: FoldResult; existed: Set<string> }> {
    const { definition, storage } = this.ctx;
    const { table } = this.build;
    const handles = new Set(definition.handles);
    const streamIds = [
      ...new Set(records.filter((r) => handles.has(r.event.type)).map((r) => r.event.streamId)),
    ];
    const revisions = await readStreamRevisions(client, streamsTableName(table), streamIds);
    const candidates = selectCandidates(definition, records, revisions);
    const keys = [...new Set(candidates.flatMap((c) => c.keys))];
    const stored = await storage.loadRows(client, table, keys, { lock: this.lockRows });
    const rows = new Map<string, JsonObject | null>(
      keys.map((k) => [k, deepFreeze(stored.get(k) ?? null)]),
    );
    const folded = foldCandidates(definition, policy, candidates, rows, forced);
    return { folded, existed: new Set(stored.keys()) };
  }

  /**
   * The switch, inside the transaction that just moved the rebuild's checkpoint. It happens when the
   * rebuild has reached the log head of its start and every position the live build has applied:
   * then the view is re-pointed, the registry names the new generation, and the old build's row
   * and tables are dropped, all at once for every reader. A savepoint keeps the batch when the
   * locks are not granted in time (a long query on the view): the switch is retried shortly.
   */
  private async switchIfCaughtUp(client: PoolClient, target: string | null): Promise<boolean> {
    const { name, generation, table } = this.build;
    const { compare, storage } = this.ctx;
    const own = await lockBuildCheckpoints(client, name, generation);
    const reached = own.reduce<string | null>(
      (min, c, i) => (i === 0 || compare(c.applied_position, min) < 0 ? c.applied_position : min),
      null,
    );
    if (compare(reached, target) < 0) return false;
    // The indexes a rebuild's table was created without (ProjectionStorage.create), built once
    // over the filled table; a no-op once they exist.
    await storage.createIndexes(client, table);

    await client.query('SAVEPOINT switch_live');
    try {
      await client.query(
        `SELECT set_config('lock_timeout', $1, true), set_config('synchronous_commit', 'on', true)`,
        [`${this.ctx.switchLockTimeoutMs}ms`],
      );
      const registry = await readRegistry(client, name, true);
      if (!registry || registry.live_generation === generation) {
        await client.query('ROLLBACK TO SAVEPOINT switch_live');
        return false;
      }
      const live = registry.live_generation;
      const { rows: liveBuild } = await client.query<{ table_name: string }>(
        `SELECT table_name FROM projections.builds WHERE name = $1 AND generation = $2 FOR UPDATE`,
        [name, live],
      );
      const liveCheckpoints = await lockBuildCheckpoints(client, name, live);
      if (liveCheckpoints.some((c) => compare(reached, c.applied_position) < 0)) {
        await client.query('ROLLBACK TO SAVEPOINT switch_live');
        return false;
      }
      await storage.publish(client, name, table);
      await client.query(
        `UPDATE projections.registry SET live_generation = $2, switched_at = now() WHERE name = $1`,
        [name, generation],
      );
      await deleteBuild(client, name, live);
      const oldTable = liveBuild[0]?.table_name;
      if (oldTable) {
        // Every storage kind keeps one table per build, so the new build's storage can drop the old one.
        await storage.drop(client, oldTable);
        await dropStreamsTable(client, streamsTableName(oldTable));
      }
      await client.query(`SELECT set_config('lock_timeout', '0', true)`);
      await client.query('RELEASE SAVEPOINT switch_live');
      this.switchedFrom = live;
      return true;
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT switch_live');
      this.ctx.observe({
        type: 'error',
        projection: name,
        generation,
        phase: errorCode(error) === '55P03' ? 'switch-lock-timeout' : 'switch',
        error,
      });
      this.scheduleSwitch();
      return false;
    }
  }

  private observeSwitch(): void {
    this.ctx.observe({
      type: 'switched',
      projection: this.build.name,
      version: this.build.version,
      from: this.switchedFrom,
      to: this.build.generation,
    });
  }

  private scheduleSwitch(): void {
    if (this.isHalted) return;
    clearTimeout(this.switchTimer);
    this.switchTimer = setTimeout(() => void this.trySwitch(), this.ctx.retryMaxMs).unref();
  }

  private async backoff(ms: number, error: unknown): Promise<void> {
    const { name, generation } = this.build;
    this.ctx.observe({ type: 'error', projection: name, generation, phase: 'apply', error });
    await recordBuildError(this.ctx.pool, name, generation, describe(error)).catch(() => undefined);
    await Promise.race([new Promise<void>((r) => setTimeout(r, ms).unref()), this.haltSignal]);
  }
}

function nextBackoff(
  previous: number,
  ctx: Pick<RunnerContext, 'retryMinMs' | 'retryMaxMs'>,
): number {
  return Math.min(previous === 0 ? ctx.retryMinMs : previous * 2, ctx.retryMaxMs);
}
