import { Global, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule, loadConfig } from '@touchline/config';
import { DATABASE } from '@touchline/database';
import { EVENT_STORE } from '@touchline/event-store';
import { ProjectionEngine, type ProjectionStatus } from '@touchline/projections';
import request from 'supertest';
import { HealthModule } from './health.module';

/** What /health/ready answers, for each way the process can be unfit: no I/O, fakes only. */

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

describe('GET /health/ready', () => {
  const fakes = {
    database: { kind: 'postgres', pool: { query: jest.fn() } },
    store: { readAll: jest.fn() },
    engine: { status: jest.fn() },
  };

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

  let app: INestApplication;

  beforeAll(async () => {
    const config = loadConfig({}); // the embedded profile: nothing else required
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), FakesModule, HealthModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  beforeEach(() => {
    fakes.database.pool.query.mockResolvedValue({ rows: [{ '?column?': 1 }] });
    fakes.store.readAll.mockResolvedValue({ events: [], checkpoint: null });
    fakes.engine.status.mockResolvedValue([status('customer_profile'), status('survey_daily')]);
  });

  it('is ready when the database, the store and every projection are', async () => {
    const { status: code, body } = await request(app.getHttpServer()).get('/health/ready');
    expect(code).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.details)).toEqual(['database', 'eventStore', 'projections']);
    expect(body.details.projections.customer_profile).toMatchObject({
      state: 'running',
      healthy: true,
      lagEvents: 0,
    });
    // Not configured: not checked.
    expect(body.details.kafka).toBeUndefined();
  });

  it('is not ready while a projection is stalled, and names it', async () => {
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
    const { status: code, body } = await request(app.getHttpServer()).get('/health/ready');
    expect(code).toBe(503);
    expect(body.error.projections).toMatchObject({
      status: 'down',
      unhealthy: ['survey_daily'],
      survey_daily: { healthy: false, lagEvents: 120, stalledForMs: 61_000 },
    });
    expect(body.info.eventStore.status).toBe('up');
  });

  it('is not ready when a projection failed, with its error', async () => {
    fakes.engine.status.mockResolvedValue([
      status('customer_profile', {
        state: 'failed',
        healthy: false,
        lastError: { message: 'cannot apply purchase v9', at: new Date(), event: null },
      }),
    ]);
    const { status: code, body } = await request(app.getHttpServer()).get('/health/ready');
    expect(code).toBe(503);
    expect(body.error.projections.unhealthy).toEqual(['customer_profile']);
    expect(body.error.projections.customer_profile.lastError).toBe('cannot apply purchase v9');
  });

  it('is not ready when the event store does not answer', async () => {
    fakes.store.readAll.mockRejectedValue(new Error('connection refused'));
    const { status: code, body } = await request(app.getHttpServer()).get('/health/ready');
    expect(code).toBe(503);
    expect(body.error.eventStore).toEqual({
      status: 'down',
      kind: 'postgres',
      error: 'connection refused',
    });
  });

  it('is live whatever the dependencies say', async () => {
    fakes.database.pool.query.mockRejectedValue(new Error('down'));
    expect((await request(app.getHttpServer()).get('/health/live')).status).toBe(200);
    expect((await request(app.getHttpServer()).get('/health/ready')).status).toBe(503);
  });
});
