import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { MIN_POSITION_HEADER } from '@touchline/read-models';
import { createTestDatabase, waitFor, type TestDatabase } from '@touchline/testing';
import { touchpointExample } from '@touchline/touchpoints';
import request from 'supertest';
import { createApiApp } from './support/api-app';

/**
 * /metrics and /health/ready wired into the real application on PostgreSQL: who may scrape, and
 * that ingestion, group commit, HTTP timing and the projections show up with the right labels.
 */
const OPS = `ops-${randomBytes(12).toString('hex')}`;
const ANALYST = `analyst-${randomBytes(12).toString('hex')}`;
const INGEST = `ingest-${randomBytes(12).toString('hex')}`;

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('observability of the running application', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createApiApp(
      db,
      {
        DATABASE_URL: db.url,
        TOUCHLINE_API_KEYS: `ops:${OPS}:ops,analyst:${ANALYST}:analyst,producer:${INGEST}:ingest`,
        TOUCHLINE_MASTER_KEYS: `mk-test:${randomBytes(32).toString('base64')}`,
      },
      { noNestLogger: true },
    );
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await db?.destroy();
  });

  const scrape = () =>
    request(app.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${OPS}`);

  it('serves /metrics to ops keys only', async () => {
    expect((await request(app.getHttpServer()).get('/metrics')).status).toBe(401);
    const analyst = await request(app.getHttpServer())
      .get('/metrics')
      .set('Authorization', `Bearer ${ANALYST}`);
    expect(analyst.status).toBe(403);
    const ops = await scrape();
    expect(ops.status).toBe(200);
    // Express orders the parameters its own way; Prometheus reads either.
    expect(ops.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(ops.text).toMatch(/^# TYPE touchline_ingest_events_total counter$/m);
    expect(ops.text).toMatch(/^process_resident_memory_bytes /m);
  });

  it('counts ingestion, group commits, HTTP requests and projection lag', async () => {
    const customerId = `c-${randomUUID()}`;
    const purchase = {
      ...touchpointExample('purchase'),
      eventId: randomUUID(),
      customerId,
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
      metadata: { source: 'metrics-e2e' },
    };
    const post = (body: unknown) =>
      request(app.getHttpServer())
        .post('/v1/touchpoints')
        .set('Authorization', `Bearer ${INGEST}`)
        .send(body as object);
    const first = await post(purchase);
    expect(first.status).toBe(202);
    expect((await post(purchase)).body.status).toBe('duplicate');
    expect((await post({ ...purchase, eventId: randomUUID(), data: {} })).status).toBe(400);
    await waitFor(
      async () => {
        const read = await request(app.getHttpServer())
          .get(`/v1/customers/${customerId}`)
          .set('Authorization', `Bearer ${ANALYST}`)
          .set(MIN_POSITION_HEADER, first.body.position);
        return read.status === 200 ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'the profile' },
    );

    const { text } = await scrape();
    const ingested = (outcome: string, source = 'metrics-e2e') =>
      sample(
        text,
        `touchline_ingest_events_total{type="purchase",source="${source}",outcome="${outcome}"}`,
      );
    expect(ingested('appended')).toBe(1);
    expect(ingested('duplicate')).toBe(1);
    expect(ingested('rejected', 'http:invalid')).toBe(1);
    expect(
      sample(text, 'touchline_append_duration_seconds_count{kind="single",outcome="ok"}'),
    ).toBe(2);
    expect(sample(text, 'touchline_event_store_batch_events_count')).toBeGreaterThanOrEqual(1);
    // Routes by template, never by customer id.
    expect(
      sample(
        text,
        'touchline_http_request_duration_seconds_count{method="POST",route="/v1/touchpoints",status="202"}',
      ),
    ).toBe(2);
    expect(text).toContain('route="/v1/customers/:id"');
    expect(text).not.toContain(customerId);
    // The projections, read at scrape time.
    expect(sample(text, 'touchline_projection_lag_events{projection="customer_profile"}')).toBe(0);
    expect(sample(text, 'touchline_projection_healthy{projection="customer_profile"}')).toBe(1);
    // Not the kafka profile: no relay or consumer gauges at all.
    expect(text).not.toContain('touchline_relay_lag_events');
    expect(text).not.toContain('touchline_kafka_inbound_consumer_lag');
  });

  it('reports the store and the projections in /health/ready', async () => {
    const { status, body } = await request(app.getHttpServer()).get('/health/ready');
    expect(status).toBe(200);
    expect(body.info.database.status).toBe('up');
    expect(body.info.eventStore).toEqual({ status: 'up', kind: 'postgres' });
    expect(body.info.projections.customer_profile).toMatchObject({
      state: 'running',
      healthy: true,
    });
    expect(body.info.kafka).toBeUndefined();
  });
});
