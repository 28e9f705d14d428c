import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Producer } from 'kafkajs';
import request from 'supertest';
import { ConfigModule, loadConfig } from '@touchline/config';
import { DATABASE, DatabaseModule } from '@touchline/database';
import { EventStoreModule, PostgresEventStore, type EventStore } from '@touchline/event-store';
import { createKafka, createProducer, TOPICS } from '@touchline/kafka';
import {
  createTestDatabase,
  describeWithKafka,
  startKafka,
  waitFor,
  type KafkaTestCluster,
  type TestDatabase,
} from '@touchline/testing';
import { jsonBodyParser } from '../http/json-body-parser';
import { IngestModule } from '../ingest.module';
import {
  KAFKA_INBOUND_OPTIONS,
  KafkaInboundConsumer,
  type KafkaInboundOptions,
} from './kafka-inbound.consumer';
import { asBinary, MOCK_FRIENDLY_CONSUMER, npsTouchpoint } from './testing/inbound-fixtures';

/**
 * The consumer starts in the background: the application starts and serves HTTP while Kafka is
 * unreachable, the consumer retries, and it joins and consumes once Kafka answers at the
 * configured address. "Kafka comes up" is a TCP forwarder that starts listening on that address
 * and leads to the test cluster (a mock's ports are only known once it runs); kafkajs then finds
 * the real brokers through the metadata, as with any bootstrap address.
 */
describeWithKafka('Kafka inbound: starts in the background, whether Kafka is up or not', () => {
  let db: TestDatabase;
  let store: EventStore;
  let cluster: KafkaTestCluster | undefined;
  let producer: Producer | undefined;
  const apps: INestApplication[] = [];
  const forwarders: Forwarder[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await PostgresEventStore.migrate(db.pool);
    store = new PostgresEventStore(db.pool);
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  afterAll(async () => {
    await producer?.disconnect();
    for (const forwarder of forwarders) await forwarder.close();
    await cluster?.stop();
    await store?.close();
    await db?.destroy();
  });

  async function startApp(brokers: string[], options: KafkaInboundOptions) {
    const config = loadConfig({
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers.join(','),
      TOUCHLINE_API_KEYS: 'int-spec:int-spec-secret-0123456789:admin',
      TOUCHLINE_MASTER_KEYS: `test-master:${Buffer.alloc(32, 7).toString('base64')}`,
    });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule, EventStoreModule, IngestModule],
    })
      .overrideProvider(DATABASE)
      .useValue({ ...db, close: async () => undefined })
      .overrideProvider(KAFKA_INBOUND_OPTIONS)
      .useValue(options)
      .compile();
    // As apps/api/src/main.ts does.
    const app = moduleRef.createNestApplication({ logger: false, bodyParser: false });
    app.use(jsonBodyParser());
    apps.push(app);
    await app.init();
    return { app, inbound: app.get(KafkaInboundConsumer) };
  }

  it('serves HTTP with Kafka unreachable, retries, then joins and consumes once Kafka answers', async () => {
    const port = await freePort(); // nothing listens there: connections are refused
    const topic = `${TOPICS.inbound}.it-${randomUUID()}`;
    const { app, inbound } = await startApp([`127.0.0.1:${port}`], {
      groupId: `inbound-startup-${randomUUID()}`,
      topic,
      deadLetterTopic: `${topic}.dlq`,
      consumer: MOCK_FRIENDLY_CONSUMER,
      // Each attempt gives up quickly, and the next comes soon: the test sees several.
      kafka: { retry: { retries: 1, initialRetryTime: 100 }, connectionTimeout: 500 },
      restartBackoff: { initialMs: 100, maxMs: 500 },
    });

    // HTTP ingestion needs the event store only.
    const viaHttp = npsTouchpoint(`c-${randomUUID().slice(0, 8)}`);
    const answer = await request(app.getHttpServer())
      .post('/v1/touchpoints')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(viaHttp))
      .expect(202);
    expect(answer.body).toMatchObject({ eventId: viaHttp.eventId, status: 'appended' });

    const retrying = await waitFor(
      () => {
        const status = inbound.status();
        return status.state === 'retrying' && status.attempts >= 2 ? status : undefined;
      },
      { timeoutMs: 30_000, what: 'the consumer to have failed to start twice' },
    );
    expect(retrying.lastError?.message).toEqual(expect.any(String));
    expect(retrying.retryAt!.getTime()).toBeGreaterThanOrEqual(retrying.since.getTime());

    // Kafka answers at the configured address from now on.
    cluster = await startKafka();
    forwarders.push(await forward(port, cluster.brokers[0]!));
    const joined = await waitFor(
      () => (inbound.status().state === 'joined' ? inbound.status() : undefined),
      { timeoutMs: 60_000, intervalMs: 50, what: 'the consumer to join once Kafka answers' },
    );
    expect(joined.attempts).toBeGreaterThan(retrying.attempts);
    expect(joined.partitions!.length).toBeGreaterThan(0);
    expect(joined).not.toHaveProperty('retryAt');
    // The failure that came before stays on record.
    expect(joined.lastError).toBeDefined();

    const kafka = createKafka({ brokers: cluster.brokers, clientId: 'inbound-startup-int-spec' });
    producer = createProducer(kafka, { idempotent: false });
    await producer.connect();
    const viaKafka = npsTouchpoint(`c-${randomUUID().slice(0, 8)}`);
    await producer.send({ topic, acks: -1, messages: [asBinary(viaKafka)] });
    const [event] = await waitFor(
      async () => {
        const events = await store.readStream(`customer-${viaKafka.customerId}`);
        return events.length > 0 ? events : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'the Kafka touchpoint in the store' },
    );
    expect(event!.eventId).toBe(viaKafka.eventId);

    await app.close();
    apps.splice(apps.indexOf(app), 1);
    expect(inbound.status().state).toBe('stopped');
  }, 120_000);

  it('shuts down without waiting for a consumer that is still starting', async () => {
    const port = await freePort();
    // The first connection attempt retries for about a second: close comes in the middle of it.
    const { app, inbound } = await startApp([`127.0.0.1:${port}`], {
      groupId: `inbound-startup-${randomUUID()}`,
      kafka: { retry: { retries: 1, initialRetryTime: 1_000 } },
    });
    expect(inbound.status()).toMatchObject({ state: 'joining', attempts: 1 });
    const closing = Date.now();
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    // The bound of onModuleDestroy for a member that has not joined (5 s), with room to spare.
    expect(Date.now() - closing).toBeLessThan(8_000);
    expect(inbound.status().state).toBe('stopped');
  }, 30_000);
});

/** A port nothing listens on (the kernel's pick, released again). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const { port } = server.address() as { port: number };
  await closeServer(server);
  return port;
}

interface Forwarder {
  close(): Promise<void>;
}

/** Listens on `port` and pipes every connection to `target` (host:port). */
async function forward(port: number, target: string): Promise<Forwarder> {
  const [host, targetPort] = target.split(':') as [string, string];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(targetPort), host);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', close);
      socket.on('close', close);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  return {
    close: () => {
      for (const socket of sockets) socket.destroy();
      return closeServer(server);
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((ok) => server.close(() => ok()));
}
