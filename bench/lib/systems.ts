import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { openDatabase, type Database } from '@touchline/database';
import {
  PostgresEventStore,
  type EventToAppend,
  type PostgresEventStoreOptions,
} from '@touchline/event-store';
import { copyBytea, copyFrom, copyText } from './pg-copy';

export type SystemName = 'touchline' | 'emmett' | 'copy';

/** One of the systems the benchmark compares, set up on its own fresh database. */
export interface SystemUnderTest {
  /** Appends `events` to one stream in one call (one request, one COPY statement). */
  append(streamId: string, events: EventToAppend[]): Promise<void>;
  /** Rows in the events table: the check that everything was written. */
  storedEvents(): Promise<number>;
  /** System-specific figures (group-commit batch sizes, conflict retries). */
  details(): Record<string, unknown>;
  close(): Promise<void>;
}

export interface TouchlineTuning {
  maxInFlight?: number;
  maxBatchEvents?: number;
  /**
   * An experiment, never part of a reported baseline: settings attached to touchline.append_batch
   * in the benchmark's own database (`ALTER FUNCTION ... SET name = value`), e.g. enable_seqscan=off.
   */
  appendBatchSettings?: Record<string, string>;
}

/** Connections each pool holds; node-pg's default, which Emmett gets when it makes its own pool. */
const POOL_SIZE = 10;

/** Opens every connection of the pool before the clock starts, so no scenario pays for connecting. */
async function warm(pool: Pool, connections: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: connections }, () => pool.connect()));
  clients.forEach((c) => c.release());
}

export async function openSystem(
  name: SystemName,
  url: string,
  tuning: TouchlineTuning,
): Promise<SystemUnderTest> {
  switch (name) {
    case 'touchline':
      return openTouchline(url, tuning);
    case 'emmett':
      return openEmmett(url);
    case 'copy':
      return openCopy(url);
  }
}

async function openTouchline(url: string, tuning: TouchlineTuning): Promise<SystemUnderTest> {
  const db: Database = await openDatabase({
    databaseUrl: url,
    poolSize: POOL_SIZE,
    applicationName: 'bench',
  });
  await PostgresEventStore.migrate(db.pool);
  for (const [name, value] of Object.entries(tuning.appendBatchSettings ?? {})) {
    if (!/^[a-z_.]+$/.test(name) || !/^[\w.-]+$/.test(value))
      throw new Error(`Bad setting ${name}=${value}`);
    await db.pool.query(`ALTER FUNCTION touchline.append_batch SET ${name} = '${value}'`);
  }
  const batches = { transactions: 0, events: 0, requests: 0, maxEvents: 0 };
  const options: PostgresEventStoreOptions = {
    groupCommit: {
      ...tuning,
      onBatch: (events, requests) => {
        batches.transactions++;
        batches.events += events;
        batches.requests += requests;
        batches.maxEvents = Math.max(batches.maxEvents, events);
      },
    },
  };
  const store = new PostgresEventStore(db.pool, options);
  await warm(db.pool, POOL_SIZE);
  return {
    async append(streamId, events) {
      await store.appendToStream(streamId, events, 'any');
    },
    async storedEvents() {
      const { rows } = await db.pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM touchline.events',
      );
      return Number(rows[0]!.n);
    },
    details: () => ({
      groupCommit: {
        maxInFlight: tuning.maxInFlight ?? 'default (2)',
        maxBatchEvents: tuning.maxBatchEvents ?? 'default (5000)',
        appendBatchSettings: tuning.appendBatchSettings ?? {},
        transactions: batches.transactions,
        meanEventsPerTransaction: batches.transactions
          ? round(batches.events / batches.transactions)
          : 0,
        meanRequestsPerTransaction: batches.transactions
          ? round(batches.requests / batches.transactions)
          : 0,
        maxEventsPerTransaction: batches.maxEvents,
      },
    }),
    async close() {
      await store.close();
      await db.close();
    },
  };
}

async function openEmmett(url: string): Promise<SystemUnderTest> {
  // Loaded here, not at the top: dumbo sets node-pg's global type parsers (int8 → BigInt, jsonb)
  // when it loads, which must not leak into the other systems' processes.
  const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
  const { NO_CONCURRENCY_CHECK, ExpectedVersionConflictError } =
    await import('@event-driven-io/emmett');
  const pool = new Pool({ connectionString: url, max: POOL_SIZE });
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  await store.schema.migrate();
  await warm(pool, POOL_SIZE);
  let retries = 0;
  const appendOnce = (streamId: string, events: EventToAppend[]) =>
    store.appendToStream(
      streamId,
      events.map((e) => ({
        type: e.type,
        data: e.data,
        // Emmett takes the message id from metadata.messageId (it generates one otherwise).
        metadata: { ...e.metadata, messageId: e.eventId },
      })),
      { expectedStreamVersion: NO_CONCURRENCY_CHECK },
    );
  return {
    async append(streamId, events) {
      // Without a concurrency check Emmett still fails an append that races another one on the
      // same stream (its unique key on the stream position); the benchmark then appends again.
      for (let attempt = 1; ; attempt++) {
        try {
          await appendOnce(streamId, events);
          return;
        } catch (error) {
          if (!(error instanceof ExpectedVersionConflictError) || attempt === 10) throw error;
          retries++;
        }
      }
    },
    async storedEvents() {
      const { rows } = await pool.query<{ n: string }>(
        'SELECT count(*)::text AS n FROM emt_messages',
      );
      return Number(rows[0]!.n);
    },
    details: () => ({ conflictRetries: retries }),
    async close() {
      await store.close();
      await pool.end();
    },
  };
}

/**
 * The raw-COPY baseline: the same rows (same columns, constraints and indexes as touchline.events)
 * written with `COPY ... FROM STDIN`, no stream table, no checks. Revisions and the hash chain are
 * kept in this process; the digests are plain sha256 of the JSON text.
 */
async function openCopy(url: string): Promise<SystemUnderTest> {
  const pool = new Pool({ connectionString: url, max: POOL_SIZE });
  await pool.query(`
    CREATE TABLE copy_events (
      global_position  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      transaction_id   xid8 NOT NULL DEFAULT pg_current_xact_id(),
      stream_id        text NOT NULL,
      stream_revision  bigint NOT NULL,
      event_id         uuid NOT NULL,
      event_type       text NOT NULL,
      event_version    integer NOT NULL,
      data             jsonb NOT NULL,
      metadata         jsonb NOT NULL,
      occurred_at      timestamptz,
      recorded_at      timestamptz NOT NULL DEFAULT now(),
      content_digest   bytea NOT NULL,
      hash             bytea NOT NULL,
      personal         bytea,
      key_id           text,
      CONSTRAINT copy_events_stream_revision_key UNIQUE (stream_id, stream_revision),
      CONSTRAINT copy_events_event_id_key UNIQUE (event_id)
    );
    CREATE INDEX copy_events_global_order ON copy_events (transaction_id, global_position);`);
  await warm(pool, POOL_SIZE);
  const heads = new Map<string, { revision: number; hash: Buffer }>();
  const statement =
    'COPY copy_events (stream_id, stream_revision, event_id, event_type, event_version, data, metadata, ' +
    'occurred_at, content_digest, hash) FROM STDIN';
  return {
    async append(streamId, events) {
      const head = heads.get(streamId) ?? { revision: -1, hash: Buffer.alloc(0) };
      const stream = copyText(streamId);
      let text = '';
      for (const event of events) {
        const data = JSON.stringify(event.data);
        const metadata = JSON.stringify(event.metadata ?? {});
        const digest = createHash('sha256').update(data).update(metadata).digest();
        head.revision++;
        head.hash = createHash('sha256').update(head.hash).update(digest).digest();
        text +=
          `${stream}\t${head.revision}\t${event.eventId}\t${copyText(event.type)}\t${event.version ?? 1}\t` +
          `${copyText(data)}\t${copyText(metadata)}\t${event.occurredAt?.toISOString() ?? '\\N'}\t` +
          `${copyBytea(digest)}\t${copyBytea(head.hash)}\n`;
      }
      heads.set(streamId, head);
      const client = await pool.connect();
      try {
        await copyFrom(client, statement, Buffer.from(text, 'utf8'));
      } finally {
        client.release();
      }
    },
    async storedEvents() {
      const { rows } = await pool.query<{ n: string }>(
        'SELECT count(*)::text AS n FROM copy_events',
      );
      return Number(rows[0]!.n);
    },
    details: () => ({}),
    close: () => pool.end(),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
