import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@touchline/config';
import { CHECK_TIMEOUT_MS } from '@touchline/health';
import {
  createTestDatabase,
  describeWithPostgresServer,
  waitFor,
  type TestDatabase,
} from '@touchline/testing';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy';
import { startHealthServer, workerParts, workerStatus, type WorkerStatus } from './worker-health';
import { WorkerModule } from './worker.module';

/**
 * The worker's health port, wired as main.ts wires it, on a PostgreSQL reached through a proxy
 * that can stop forwarding: a database that does not answer at all must not hang the probe.
 */
describeWithPostgresServer('worker health port', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: INestApplicationContext;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const url = new URL(db.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const config = loadConfig({
      DATABASE_URL: url.toString(),
      TOUCHLINE_API_KEYS: 'ops:0123456789abcdef:ops',
      TOUCHLINE_MASTER_KEYS: `mk-1:${Buffer.alloc(32, 3).toString('base64')}`,
      LOG_LEVEL: 'warn',
    });
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
      logger: false,
    });
    const parts = workerParts(app, false);
    server = await startHealthServer(0, () => workerStatus(parts));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    proxy?.restore();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await app?.close();
    await proxy?.close();
    await db?.destroy();
  }, 60_000);

  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, body: (await response.json()) as WorkerStatus };
  };

  it('is ready with the database, and reports the projections beside the checks', async () => {
    const ready = await waitFor(
      async () => {
        const answer = await get('/health/ready');
        return answer.status === 200 ? answer : undefined;
      },
      { what: 'the worker to be ready' },
    );
    expect(ready.body).toMatchObject({
      ready: true,
      status: 'ok',
      checks: {
        database: { status: 'up' },
        eventStore: { status: 'up' },
        projections: { status: 'up' },
      },
      relay: null,
    });
    expect(ready.body.projections.map((p) => p.name)).toContain('customer_profile');
  });

  it('answers 503 within its deadline while PostgreSQL does not answer, and is ready again after', async () => {
    proxy.freeze();
    try {
      const started = Date.now();
      const [ready, status] = await Promise.all([get('/health/ready'), get('/status')]);
      expect(Date.now() - started).toBeLessThan(CHECK_TIMEOUT_MS + 1_000);
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({
        ready: false,
        status: 'error',
        checks: {
          database: {
            status: 'down',
            error: `The database did not answer within ${CHECK_TIMEOUT_MS} ms`,
          },
          eventStore: { status: 'down' },
        },
      });
      // /status always answers 200, with the same body.
      expect(status.status).toBe(200);
      expect(status.body.ready).toBe(false);
      expect((await get('/health/live')).status).toBe(200);
    } finally {
      proxy.restore();
    }
    await waitFor(async () => ((await get('/health/ready')).status === 200 ? true : undefined), {
      what: 'the worker to be ready again',
    });
  });
});
