import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { Client, type Pool } from 'pg';
import { runMigrations, withTimeout } from '@touchline/database';
import type { Checkpoint, EventStore, RecordedEvent } from '@touchline/event-store';
import {
  createProducer,
  recordedEventToCloudEvent,
  toBinaryMessage,
  TOPICS,
} from '@touchline/kafka';
import { errorMessage, LeadershipLostError, RelayStoppedError } from './errors';
import { acquireLeadership, type Lease, type LeaderLockOptions } from './leader-lock';
import { SILENT_LOGGER, type RelayLogger } from './logger';
import { RELAY_MIGRATION_SCOPE, relayMigrations } from './migrations';
import type { RelayError, RelayRole, RelayStatus } from './relay-status';
import { claimTerm } from './sql/claimTerm';
import { countBacklog, type Backlog } from './sql/countBacklog';
import { readCheckpoint } from './sql/readCheckpoint';
import { storeCheckpoint } from './sql/storeCheckpoint';
import { abortable, backoffDelay, delay, whenAborted, type BackoffOptions } from './timing';

export interface RelayOptions {
  /**
   * A PostgreSQL server (not the embedded PGlite, which has one connection): the checkpoint lives
   * here, and the leader lock is held on one extra, dedicated connection with the pool's settings.
   */
  pool: Pool;
  store: EventStore;
  /** The relay creates its own producer from it, with the settings its guarantees rely on. */
  kafka: Kafka;
  /** Names the checkpoint and the leader lock. Default: the topic. */
  name?: string;
  /** Default touchline.journey.v1. */
  topic?: string;
  /** ce_source of every published event. Default "/touchline". */
  source?: string;
  /** Shown in status and in the checkpoint row. Default host/pid/random. */
  instanceId?: string;
  /** Most events per Kafka request. Default 500. */
  batchSize?: number;
  /** How often a standby tries for the lock. Default 500 ms. */
  standbyPollMs?: number;
  /** How often the leader checks its lock connection. Default 1 s. */
  heartbeatMs?: number;
  /** Longest wait for a statement on the lock connection before it counts as lost. Default 5 s. */
  lockStatementTimeoutMs?: number;
  /** Waits between attempts to publish a batch. Default 200 ms doubling to 30 s. */
  publishRetry?: BackoffOptions;
  /** Waits between attempts to reach PostgreSQL or to lead again. Default 200 ms doubling to 10 s. */
  reconnect?: BackoffOptions;
  /** How long stop() lets a batch already sent be acknowledged before abandoning it. Default 10 s. */
  stopGraceMs?: number;
  /** Server-side TCP keepalives of the lock session, seconds. Default 5 / 2 / 3 (about 11 s). */
  serverKeepalive?: LeaderLockOptions['serverKeepalive'];
  /** Opens the lock connection. Default: a new pg Client with the pool's settings. */
  lockConnection?: () => Promise<Client>;
  /**
   * Counts the events after a checkpoint, for the lag in status. Default: the PostgreSQL event
   * store's table (countBacklog); null where the store is another one.
   */
  backlog?: ((after: Checkpoint | null) => Promise<Backlog>) | null;
  logger?: RelayLogger;
}

/**
 * The only publisher to Kafka. One instance at a time leads (a PostgreSQL advisory lock); it
 * reads the store's global log from the stored checkpoint and publishes each event as a
 * CloudEvent (binary mode, key = customer id), batch by batch: the checkpoint moves only after
 * Kafka acknowledged the whole batch (acks = all), so a crash at any point re-sends, never skips.
 */
export class Relay {
  /** Applies the relay's migrations (idempotent; safe from concurrent starts). */
  static async migrate(pool: Pool): Promise<void> {
    await runMigrations(pool, RELAY_MIGRATION_SCOPE, relayMigrations);
  }

  readonly name: string;
  readonly instanceId: string;
  private readonly topic: string;
  private readonly source: string;
  private readonly batchSize: number;
  private readonly publishRetry: BackoffOptions;
  private readonly reconnect: BackoffOptions;
  private readonly stopGraceMs: number;
  private readonly backlog: ((after: Checkpoint | null) => Promise<Backlog>) | null;
  private readonly logger: RelayLogger;
  private readonly lockOptions: LeaderLockOptions;

  private currentRole: RelayRole = 'stopped';
  private running: Promise<void> | null = null;
  private softStop = new AbortController();
  private hardStop = new AbortController();
  private lease: Lease | null = null;
  private publishedEvents = 0;
  private lastPublishedAt: Date | null = null;
  private lastError: RelayError | null = null;
  private consecutiveFailures = 0;

  constructor(private readonly options: RelayOptions) {
    this.topic = options.topic ?? TOPICS.journey;
    this.name = options.name ?? this.topic;
    this.instanceId =
      options.instanceId ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
    this.source = options.source ?? '/touchline';
    this.batchSize = options.batchSize ?? 500;
    this.publishRetry = options.publishRetry ?? { initialMs: 200, maxMs: 30_000 };
    this.reconnect = options.reconnect ?? { initialMs: 200, maxMs: 10_000 };
    this.stopGraceMs = options.stopGraceMs ?? 10_000;
    this.logger = options.logger ?? SILENT_LOGGER;
    const pool = options.pool;
    this.backlog =
      options.backlog === undefined ? (after) => countBacklog(pool, after) : options.backlog;
    this.lockOptions = {
      name: this.name,
      connect: options.lockConnection ?? (() => this.openLockConnection()),
      pollMs: options.standbyPollMs ?? 500,
      heartbeatMs: options.heartbeatMs ?? 1_000,
      statementTimeoutMs: options.lockStatementTimeoutMs ?? 5_000,
      reconnect: this.reconnect,
      serverKeepalive: options.serverKeepalive ?? { idle: 5, interval: 2, count: 3 },
      logger: this.logger,
      onError: (error) => this.recordError(error),
      onStandby: () => this.setRole('standby'),
    };
  }

  get role(): RelayRole {
    return this.currentRole;
  }

  /** Starts competing for the lead in the background; returns at once. */
  start(): void {
    if (this.running) return;
    this.softStop = new AbortController();
    this.hardStop = new AbortController();
    this.setRole('standby');
    this.running = this.run().catch((error: unknown) => {
      this.recordError(error);
      this.logger.error('Relay: stopped by an unexpected error', { error: errorMessage(error) });
    });
  }

  /**
   * Stops after the batch in hand: one already sent gets up to stopGraceMs to be acknowledged (and
   * checkpointed); nothing new is sent. Then the lock is released and a standby takes over.
   */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.softStop.abort(new RelayStoppedError());
    const grace = setTimeout(() => this.hardStop.abort(new RelayStoppedError()), this.stopGraceMs);
    grace.unref();
    try {
      await running;
    } finally {
      clearTimeout(grace);
      if (this.running === running) this.running = null;
    }
  }

  /** Reads the stored checkpoint and counts the lag; the database must answer. */
  async status(): Promise<RelayStatus> {
    const row = await readCheckpoint(this.options.pool, this.name);
    const checkpoint = row?.checkpoint ?? null;
    const backlog = this.backlog ? await this.backlog(checkpoint) : null;
    return {
      name: this.name,
      instanceId: this.instanceId,
      role: this.currentRole,
      checkpoint,
      checkpointMovedAt: row?.checkpoint === null ? null : (row?.updatedAt ?? null),
      term: row?.term ?? null,
      leader: row?.leader ?? null,
      leaderSince: row?.leaderSince ?? null,
      lag: backlog?.events ?? null,
      oldestPendingRecordedAt: backlog?.oldestRecordedAt ?? null,
      lockBackendPid: this.lease?.backendPid ?? null,
      publishedEvents: this.publishedEvents,
      lastPublishedAt: this.lastPublishedAt,
      lastError: this.lastError,
      consecutiveFailures: this.consecutiveFailures,
    };
  }

  private async run(): Promise<void> {
    let failedTerms = 0;
    try {
      while (!this.softStop.signal.aborted) {
        const lease = await acquireLeadership(this.lockOptions, this.softStop.signal);
        if (!lease) break;
        try {
          await this.lead(lease);
          failedTerms = 0;
        } catch (error) {
          if (!(error instanceof RelayStoppedError)) {
            failedTerms += 1;
            this.recordError(error);
            this.logger.error('Relay: the term ended', { error: errorMessage(error) });
          }
        } finally {
          this.lease = null;
          this.setRole('standby');
          await lease.release();
        }
        if (failedTerms > 0) {
          await delay(backoffDelay(failedTerms - 1, this.reconnect), this.softStop.signal);
        }
      }
    } finally {
      this.setRole('stopped');
    }
  }

  /** One leadership term: from the stored checkpoint until the lock is lost, a failure, or stop. */
  private async lead(lease: Lease): Promise<void> {
    const term = await claimTerm(lease.connection, this.name, this.instanceId);
    this.lease = lease;
    this.setRole('leader');
    this.logger.info('Relay: leading', {
      name: this.name,
      term: term.term,
      checkpoint: term.checkpoint,
    });
    // Losing the lock stops publishing at once; stop() waits for the batch in hand, up to a point.
    const abort = AbortSignal.any([lease.signal, this.hardStop.signal]);
    const producer = this.createProducer();
    try {
      await this.retrying('connect to Kafka', () => producer.connect(), abort);
      let checkpoint = term.checkpoint;
      const subscription = this.options.store.subscribeToAll(
        { fromCheckpoint: checkpoint, batchSize: this.batchSize },
        async (events, next) => {
          await this.publish(producer, events, abort);
          const stored = await storeCheckpoint(
            lease.connection,
            this.name,
            term.term,
            checkpoint,
            next,
          );
          if (!stored) {
            throw new LeadershipLostError(
              `Relay ${this.name}: the checkpoint row has moved on from term ${term.term}; another instance leads`,
            );
          }
          checkpoint = next;
          this.publishedEvents += events.length;
          this.lastPublishedAt = new Date();
        },
      );
      const outcome = await Promise.race([
        subscription.done.then(() => 'ended' as const),
        whenAborted(lease.signal).then(() => 'lost' as const),
        whenAborted(this.softStop.signal).then(() => 'stopping' as const),
      ]).finally(() => subscription.stop());
      if (outcome === 'lost') throw lease.signal.reason as Error;
      if (outcome === 'ended' && !this.softStop.signal.aborted) {
        throw new Error('The event store subscription ended (was the store closed?)');
      }
    } finally {
      // Also ends the retries kafkajs may still be making for an abandoned batch.
      await withTimeout(producer.disconnect(), 5_000, 'Disconnecting the Kafka producer').catch(
        () => undefined,
      );
    }
  }

  private async publish(
    producer: Producer,
    events: RecordedEvent[],
    abort: AbortSignal,
  ): Promise<void> {
    await this.retrying(
      'publish to Kafka',
      async () => {
        const messages = events.map((event) =>
          toBinaryMessage(recordedEventToCloudEvent(event, { source: this.source })),
        );
        await producer.send({ topic: this.topic, acks: -1, messages });
      },
      abort,
    );
  }

  /**
   * Retries `attempt` with backoff until it succeeds. Never gives up on its own: a relay that
   * skipped a batch would lose events. Ends only when the lease is lost or the relay stops.
   */
  private async retrying(what: string, attempt: () => Promise<void>, abort: AbortSignal) {
    const interrupted = AbortSignal.any([abort, this.softStop.signal]);
    for (let failures = 0; ; failures++) {
      if (abort.aborted) throw abort.reason as Error;
      if (failures > 0 && this.softStop.signal.aborted) throw new RelayStoppedError();
      try {
        await abortable(attempt(), abort);
        this.consecutiveFailures = 0;
        return;
      } catch (error) {
        if (abort.aborted) throw abort.reason as Error;
        this.consecutiveFailures = failures + 1;
        this.recordError(error);
        const wait = backoffDelay(failures, this.publishRetry);
        this.logger.warn(`Relay: could not ${what}, retrying`, {
          error: errorMessage(error),
          attempt: failures + 1,
          retryInMs: wait,
        });
        await delay(wait, interrupted);
      }
    }
  }

  /**
   * Non-idempotent because the kcat mock cluster rejects idempotent producers (it names no
   * controller); one request in flight per broker so a retried request can never overtake the
   * next one for the same partition. Together with one batch at a time, per-key order holds up to
   * duplicates, which consumers drop by revision.
   */
  private createProducer(): Producer {
    const producer = createProducer(this.options.kafka, {
      idempotent: false,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
    });
    producer.on(producer.events.REQUEST_TIMEOUT, ({ payload }) => {
      this.recordError(
        new Error(`Kafka ${payload.apiName} request to ${payload.broker} timed out`),
      );
    });
    return producer;
  }

  private async openLockConnection(): Promise<Client> {
    const pool = this.options.pool.options;
    const client = new Client({
      ...pool,
      // Client-side keepalives notice a dead server; the session's own settings (set on connect)
      // let the server notice a dead relay.
      keepAlive: true,
      keepAliveInitialDelayMillis: 5_000,
      connectionTimeoutMillis: pool.connectionTimeoutMillis ?? 5_000,
      application_name: `touchline-relay ${this.name}`.slice(0, 63),
    });
    await client.connect();
    return client;
  }

  private setRole(role: RelayRole): void {
    if (this.currentRole === role) return;
    this.currentRole = role;
    this.logger.debug('Relay: role changed', { name: this.name, role });
  }

  private recordError(error: unknown): void {
    this.lastError = { message: errorMessage(error), at: new Date() };
  }
}
