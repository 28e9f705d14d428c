import { Global, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule, loadConfig } from '@touchline/config';
import { DATABASE } from '@touchline/database';
import { EVENT_STORE } from '@touchline/event-store';
import { registerStateGauges, sharedProjectionStatus, TouchlineMetrics } from '@touchline/metrics';
import { ProjectionEngine, type ProjectionStatus } from '@touchline/projections';
import { waitFor } from '@touchline/testing';
import request from 'supertest';
import { CHECK_TIMEOUT_MS } from './event-store.health';
import { HealthModule } from './health.module';
import { KafkaHealthIndicator } from './kafka.health';

/** What /health/ready answers for each way the process, or what it reports on, can be unfit. */

function status(name: string, overrides: Partial<ProjectionStatus> = {}): ProjectionStatus {
  return {
    name,
    version: 1,
    generation: 1,
    checkpoint: '1-1',
    lagEvents: 0,
    lagSeconds: 0,
    lastMovedAt: new Date(),
    lastEventRecordedAt: new Date(),
    stalledForMs: 0,
    state: 'running',
    caughtUp: true,
    healthy: true,
    lastError: null,
    deadLetters: 0,
    rebuild: null,
    ...overrides,
  };
}

const never = () => new Promise<never>(() => undefined);

describe('GET /health/ready', () => {
  let fakes: {
    database: { kind: string; pool: { query: jest.Mock } };
    store: { readAll: jest.Mock };
    engine: { status: jest.Mock };
    kafka: { configured: boolean; check: jest.Mock; onModuleDestroy: () => Promise<void> };
  };
  let app: INestApplication;

  /** A fresh application per test: the engine's status is shared for a second per engine. */
  async function start(config = loadConfig({})): Promise<void> {
    fakes = {
      database: { kind: 'postgres', pool: { query: jest.fn() } },
      store: { readAll: jest.fn() },
      engine: { status: jest.fn() },
      kafka: { configured: false, check: jest.fn(), onModuleDestroy: async () => undefined },
    };
    fakes.database.pool.query.mockResolvedValue({ rows: [{ '?column?': 1 }] });
    fakes.store.readAll.mockResolvedValue({ events: [], checkpoint: null });
    fakes.engine.status.mockResolvedValue([status('customer_profile'), status('survey_daily')]);

    @Global()
    @Module({
      providers: [
        { provide: DATABASE, useValue: fakes.database },
        { provide: EVENT_STORE, useValue: fakes.store },
        { provide: ProjectionEngine, useValue: fakes.engine },
      ],
      exports: [DATABASE, EVENT_STORE, ProjectionEngine],
    })
    class FakesModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), FakesModule, HealthModule],
    })
      .overrideProvider(KafkaHealthIndicator)
      .useValue(fakes.kafka)
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  }

  beforeEach(() => start()); // the embedded profile: nothing else required
  afterEach(() => app.close());

  const ready = () => request(app.getHttpServer()).get('/health/ready');

  it('is ready when the database and the store answer, and reports the projections', async () => {
    const { status: code, body } = await ready();
    expect(code).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.details)).toEqual(['database', 'eventStore', 'projections']);
    expect(body.info.projections.customer_profile).toMatchObject({
      state: 'running',
      healthy: true,
      lagEvents: 0,
    });
    expect(body.error).toEqual({});
    // Not configured: not checked.
    expect(body.details.kafka).toBeUndefined();
    expect(fakes.kafka.check).not.toHaveBeenCalled();
  });

  it('stays ready while a projection is stalled, and names it in the details', async () => {
    fakes.engine.status.mockResolvedValue([
      status('customer_profile'),
      status('survey_daily', {
        healthy: false,
        caughtUp: false,
        lagEvents: 120,
        lagSeconds: 95.2,
        stalledForMs: 61_000,
      }),
    ]);
    const { status: code, body } = await ready();
    expect(code).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.details.projections).toMatchObject({
      status: 'down',
      unhealthy: ['survey_daily'],
      survey_daily: { healthy: false, lagEvents: 120, stalledForMs: 61_000 },
    });
    // Reported, not failing: neither under info (it is down) nor under error.
    expect(body.info.projections).toBeUndefined();
    expect(body.error).toEqual({});
  });

  it('stays ready when a projection failed, with its error in the details', async () => {
    fakes.engine.status.mockResolvedValue([
      status('customer_profile', {
        state: 'failed',
        healthy: false,
        lastError: { message: 'cannot apply purchase v9', at: new Date(), event: null },
      }),
    ]);
    const { status: code, body } = await ready();
    expect(code).toBe(200);
    expect(body.details.projections.unhealthy).toEqual(['customer_profile']);
    expect(body.details.projections.customer_profile.lastError).toBe('cannot apply purchase v9');
  });

  it('is not ready when the event store does not answer, whatever the projections say', async () => {
    fakes.store.readAll.mockRejectedValue(new Error('connection refused'));
    fakes.engine.status.mockRejectedValue(new Error('connection refused'));
    const { status: code, body } = await ready();
    expect(code).toBe(503);
    expect(body.status).toBe('error');
    expect(body.error).toEqual({
      eventStore: { status: 'down', kind: 'postgres', error: 'connection refused' },
    });
    expect(body.details.projections).toEqual({ status: 'down', error: 'connection refused' });
    expect(body.info.database.status).toBe('up');
  });

  it('answers 503 within its deadline when the database does not answer at all', async () => {
    fakes.database.pool.query.mockImplementation(never);
    fakes.store.readAll.mockImplementation(never);
    fakes.engine.status.mockImplementation(never);
    const started = Date.now();
    const { status: code, body } = await ready();
    expect(Date.now() - started).toBeLessThan(CHECK_TIMEOUT_MS + 1_000);
    expect(code).toBe(503);
    expect(Object.keys(body.error)).toEqual(['database', 'eventStore']);
    expect(body.error.database.error).toBe(
      `The database did not answer within ${CHECK_TIMEOUT_MS} ms`,
    );
    expect(body.details.projections.status).toBe('down');
  });

  it('reports Kafka in the kafka profile without failing on it', async () => {
    await app.close();
    await start({ ...loadConfig({}), kafkaBrokers: ['127.0.0.1:9'] });
    fakes.kafka.configured = true;
    fakes.kafka.check.mockResolvedValue({
      kafka: { status: 'down', error: 'the relay cannot publish to Kafka', brokers: 3 },
    });
    const { status: code, body } = await ready();
    expect(code).toBe(200);
    expect(body.details.kafka).toEqual({
      status: 'down',
      error: 'the relay cannot publish to Kafka',
      brokers: 3,
    });
    expect(body.error).toEqual({});
  });

  it('reads the projection status once for concurrent probes and the metrics scrape', async () => {
    let answer: (statuses: ProjectionStatus[]) => void = () => undefined;
    fakes.engine.status.mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    const metrics = new TouchlineMetrics({ defaultMetrics: false });
    registerStateGauges(metrics, {
      projections: sharedProjectionStatus(fakes.engine as unknown as ProjectionEngine),
    });
    const probes = Promise.all([ready(), ready(), ready()]);
    const scrape = metrics.scrape();
    // Every probe is in its checks (each asks the database once), waiting on the one read.
    await waitFor(() => (fakes.database.pool.query.mock.calls.length === 3 ? true : undefined), {
      what: 'the three probes to run their checks',
    });
    expect(fakes.engine.status).toHaveBeenCalledTimes(1);
    answer([status('customer_profile', { lagEvents: 7 })]);
    const answers = await probes;
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[0]!.body.details.projections.customer_profile.lagEvents).toBe(7);
    expect(await scrape).toContain(
      'touchline_projection_lag_events{projection="customer_profile"} 7',
    );
    // And the answer serves the next asker too, for a second.
    expect((await ready()).status).toBe(200);
    expect(fakes.engine.status).toHaveBeenCalledTimes(1);
  });

  it('is live whatever the dependencies say', async () => {
    fakes.database.pool.query.mockRejectedValue(new Error('down'));
    expect((await request(app.getHttpServer()).get('/health/live')).status).toBe(200);
    expect((await ready()).status).toBe(503);
  });
});
