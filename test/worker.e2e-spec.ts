import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@touchline/event-store';
import { PostgresLogStats, ProjectionEngine } from '@touchline/projections';
import { READ_MODEL_PROJECTIONS } from '@touchline/read-models';
import {
  createTestDatabase,
  describeWithKafka,
  startKafka,
  waitFor,
  type KafkaTestCluster,
  type TestDatabase,
} from '@touchline/testing';
import { toEventToAppend, validateJourneyEvent } from '@touchline/touchpoints';
import { freePort, REPO_ROOT } from './support/service-process';

const serverOnly = process.env.DATABASE_URL ? describeWithKafka : describe.skip;

/**
 * The worker of the kafka profile: it runs the relay and the projections from Kafka, an API-like
 * reader (an engine never started) sees its results through PostgreSQL, and its health port
 * reports them.
 */
serverOnly('worker process (kafka profile)', () => {
  let db: TestDatabase;
  let cluster: KafkaTestCluster;
  let worker: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    cluster = await startKafka();
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await db?.destroy();
    await cluster?.stop();
  }, 60_000);

  it('relays, projects from Kafka, answers /health/ready and /status, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    worker = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        'apps/worker/src/main.ts',
      ],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          PORT: String(port),
          DATABASE_URL: db.url,
          KAFKA_BROKERS: cluster.brokers.join(','),
          TOUCHLINE_API_KEYS: 'ops:0123456789abcdef:ops',
          TOUCHLINE_MASTER_KEYS: `mk-1:${Buffer.alloc(32, 3).toString('base64')}`,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    worker.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    worker.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | string>((ok) =>
      worker!.on('exit', (code, signal) => ok(code ?? signal ?? 'unknown')),
    );
    const get = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined);
      return (
        response && {
          status: response.status,
          body: (await response.json()) as {
            projections: Array<{ name: string; lagEvents: number }>;
            relay: unknown;
          },
        }
      );
    };
    await waitFor(async () => (await get('/health/live'))?.status === 200 || undefined, {
      what: `the worker to listen:\n${output}`,
      timeoutMs: 120_000,
    });

    const store = new PostgresEventStore(db.pool, { idlePollMs: 20 });
    const reader = new ProjectionEngine({
      pool: db.pool,
      store,
      logStats: new PostgresLogStats(db.pool),
      projections: READ_MODEL_PROJECTIONS,
    });
    let last = '';
    for (let c = 0; c < 12; c++) {
      for (const [type, data] of [
        ['purchase', { orderId: `o-${c}`, amount: 10 + c, currency: 'EUR' }],
        ['survey.nps', { score: c % 11 }],
      ] as const) {
        const checked = validateJourneyEvent({
          eventId: randomUUID(),
          type,
          customerId: `w-${c}`,
          occurredAt: new Date(Date.UTC(2026, 1, 1 + c)).toISOString(),
          channel: 'web',
          data,
          metadata: { source: 'worker-e2e' },
        });
        if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
        const { streamId, event } = toEventToAppend(checked.touchpoint);
        last = (await store.appendToStream(streamId, [event], 'any')).events[0]!.position;
      }
    }
    const names = READ_MODEL_PROJECTIONS.map((p) => p.name);
    const waited = await reader.waitForPosition(names, last, 90_000);
    expect(waited.reached).toBe(true);
    expect(await reader.getRow('customer_profile', 'w-11')).toEqual(
      expect.objectContaining({ customerId: 'w-11' }),
    );
    const { rows } = await db.pool.query<{ source_partition: string }>(
      `SELECT DISTINCT source_partition FROM projections.checkpoints ORDER BY 1`,
    );
    expect(rows.map((r) => r.source_partition)).toEqual(
      [0, 1, 2, 3].map((p) => `touchline.journey.v1:${p}`),
    );

    const ready = await waitFor(
      async () => {
        const answer = await get('/health/ready');
        return answer?.status === 200 &&
          answer.body.projections.every((p: { lagEvents: number }) => p.lagEvents === 0)
          ? answer
          : undefined;
      },
      { what: 'the worker to report itself ready and caught up' },
    );
    expect(ready.body.relay).toEqual(expect.objectContaining({ role: 'leader', lag: 0 }));
    expect(ready.body.projections.map((p: { name: string }) => p.name).sort()).toEqual(
      [...names].sort(),
    );
    expect((await get('/v1/customers/w-1'))?.status).toBe(404);

    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    await store.close();
  }, 240_000);
});
