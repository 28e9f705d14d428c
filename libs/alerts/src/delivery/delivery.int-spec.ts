import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromKafkaMessage, TOPICS, createKafka, createProducer } from '@touchline/kafka';
import { describeWithKafka, startKafka, waitFor, type KafkaTestCluster } from '@touchline/testing';
import { detractorAlertId, type NewAlert } from '../alert';
import { AlertsService } from '../alerts.service';
import { AlertsTestBed } from '../testing/alerts-harness';
import { KAFKA_TARGET, webhookTarget, type AlertChannel } from './alert-channel.port';
import { AlertDispatcher } from './alert-dispatcher';
import { KafkaAlertChannel } from './kafka.channel';
import { SIGNATURE_HEADER, verifySignature } from './signature';
import { WebhookChannel } from './webhook.channel';

/**
 * The outbox on real PostgreSQL: signed webhooks to a local HTTP server (verified the way a
 * receiver would), retries after a 500 with backoff, giving up after the last attempt; Kafka
 * through the kcat mock cluster, consumed back and decoded.
 */

const SECRET = 'whsec-test-0123456789abcdef';

const bed = new AlertsTestBed();
beforeAll(() => bed.setup());
afterAll(() => bed.teardown());

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver that answers with the given statuses in turn (the last one repeats). */
async function receiver(
  statuses: number[],
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/touchline`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const detractor = (customerId: string): NewAlert => {
  const eventId = randomUUID();
  return {
    id: detractorAlertId(eventId),
    kind: 'detractor',
    customerId,
    occurredAt: new Date('2026-03-02T09:00:00Z'),
    reasons: ['NPS answer 2 (a detractor: 0–6) via app'],
    data: { eventId, score: 2, channel: 'app' },
  };
};

async function deliveryOf(alertId: string, target: string) {
  const { rows } = await bed.db.pool.query(
    'SELECT state, attempts, last_error, delivered_at FROM alerts.deliveries WHERE alert_id = $1 AND target = $2',
    [alertId, target],
  );
  return rows[0] as { state: string; attempts: number; last_error: string | null };
}

describe('alert delivery by webhook (PostgreSQL, local HTTP server)', () => {
  it('posts the alert signed; after a 500 it retries with backoff and records the delivery', async () => {
    const hook = await receiver([500, 200]);
    const clock = () => new Date();
    const channel = new WebhookChannel({ url: hook.url, secret: SECRET, clock });
    const dispatcher = new AlertDispatcher({
      pool: bed.db.pool,
      channels: [channel],
      clock,
      retry: { maxAttempts: 5, initialBackoffMs: 50, maxBackoffMs: 1_000 },
      pollMs: 20,
    });
    const alerts = new AlertsService({
      pool: bed.db.pool,
      targets: [channel.target],
      clock,
      onRaised: () => dispatcher.wake(),
    });
    dispatcher.start();
    try {
      const alert = detractor(`c-${randomUUID().slice(0, 8)}`);
      expect(await alerts.raise(alert)).toBe(true);
      await waitFor(
        async () =>
          (await deliveryOf(alert.id, channel.target)).state === 'delivered' ? true : undefined,
        { what: 'the webhook delivery' },
      );
      expect(await deliveryOf(alert.id, channel.target)).toMatchObject({
        state: 'delivered',
        attempts: 2,
        last_error: null,
      });
      expect(hook.received).toHaveLength(2);
      const [first, second] = hook.received;
      // The same alert both times, each signed over its own timestamp and the raw body.
      expect(second!.body).toBe(first!.body);
      for (const request of hook.received) {
        expect(request.headers['content-type']).toBe('application/json');
        expect(request.headers['touchline-alert-id']).toBe(alert.id);
        const signature = request.headers[SIGNATURE_HEADER.toLowerCase()] as string;
        expect(verifySignature(SECRET, signature, request.body, new Date())).toEqual({ ok: true });
        expect(
          verifySignature('not-the-secret-at-all', signature, request.body, new Date()).ok,
        ).toBe(false);
      }
      expect([first, second].map((r) => r!.headers['touchline-delivery-attempt'])).toEqual([
        '1',
        '2',
      ]);
      expect(JSON.parse(second!.body)).toEqual({
        id: alert.id,
        kind: 'detractor',
        customerId: alert.customerId,
        occurredAt: '2026-03-02T09:00:00.000Z',
        raisedAt: expect.any(String),
        reasons: alert.reasons,
        data: alert.data,
      });
    } finally {
      await dispatcher.stop();
      await hook.close();
    }
  });

  it('gives up after the last attempt: failed, with the reason, and no more requests', async () => {
    const hook = await receiver([503]);
    let now = new Date('2026-03-02T10:00:00Z');
    const clock = () => now;
    const channel = new WebhookChannel({ url: hook.url, secret: SECRET, clock: () => new Date() });
    const dispatcher = new AlertDispatcher({
      pool: bed.db.pool,
      channels: [channel],
      clock,
      retry: { maxAttempts: 3, initialBackoffMs: 60_000, maxBackoffMs: 600_000 },
    });
    const alerts = new AlertsService({ pool: bed.db.pool, targets: [channel.target], clock });
    try {
      const alert = detractor(`c-${randomUUID().slice(0, 8)}`);
      await alerts.raise(alert);
      expect(await dispatcher.dispatchOnce()).toBe(1);
      // Not due before its backoff (1 min), then 2 min after that.
      now = new Date('2026-03-02T10:00:59Z');
      expect(await dispatcher.dispatchOnce()).toBe(0);
      now = new Date('2026-03-02T10:01:00Z');
      expect(await dispatcher.dispatchOnce()).toBe(1);
      now = new Date('2026-03-02T10:02:59Z');
      expect(await dispatcher.dispatchOnce()).toBe(0);
      now = new Date('2026-03-02T10:03:00Z');
      expect(await dispatcher.dispatchOnce()).toBe(1);
      now = new Date('2026-03-03T10:00:00Z');
      expect(await dispatcher.dispatchOnce()).toBe(0);
      expect(hook.received).toHaveLength(3);
      expect(await deliveryOf(alert.id, channel.target)).toMatchObject({
        state: 'failed',
        attempts: 3,
        last_error: 'webhook answered 503',
      });
    } finally {
      await dispatcher.stop();
      await hook.close();
    }
  });

  it('a delivery to a target no longer configured fails at once, saying so', async () => {
    const clock = () => new Date();
    const gone = webhookTarget('https://removed.example.com/hook');
    const alerts = new AlertsService({ pool: bed.db.pool, targets: [gone], clock });
    const dispatcher = new AlertDispatcher({ pool: bed.db.pool, channels: [], clock });
    const alert = detractor(`c-${randomUUID().slice(0, 8)}`);
    await alerts.raise(alert);
    await dispatcher.dispatchOnce();
    expect(await deliveryOf(alert.id, gone)).toMatchObject({
      state: 'failed',
      attempts: 1,
      last_error: 'this target is not configured any more',
    });
  });
});

describe('two dispatchers claiming one delivery (PostgreSQL)', () => {
  it('an attempt that outlived its lease does not overwrite the outcome of the next claim', async () => {
    let now = new Date('2026-03-04T10:00:00Z');
    const clock = () => now;
    const target = webhookTarget(`https://receiver-${randomUUID()}.example.com/hook`);
    let attemptStarted!: () => void;
    const started = new Promise<void>((resolve) => (attemptStarted = resolve));
    let answer!: (error: Error) => void;
    // The first process's receiver answers (a failure) only after its lease has run out.
    const slow: AlertChannel = {
      target,
      deliver: () =>
        new Promise<void>((_resolve, reject) => {
          answer = reject;
          attemptStarted();
        }),
    };
    const fast: AlertChannel = { target, deliver: async () => undefined };
    const warnings: string[] = [];
    const logger = { warn: (m: string) => void warnings.push(m), info: () => undefined };
    const first = new AlertDispatcher({ pool: bed.db.pool, channels: [slow], clock, logger });
    const second = new AlertDispatcher({ pool: bed.db.pool, channels: [fast], clock, logger });
    const alerts = new AlertsService({ pool: bed.db.pool, targets: [target], clock });
    const alert = detractor(`c-${randomUUID().slice(0, 8)}`);
    await alerts.raise(alert);

    const firstRound = first.dispatchOnce();
    await started;
    now = new Date(now.getTime() + 60_001);
    await second.dispatchOnce();
    expect(await deliveryOf(alert.id, target)).toMatchObject({ state: 'delivered', attempts: 2 });

    answer(new Error('receiver timed out'));
    await firstRound;
    expect(await deliveryOf(alert.id, target)).toMatchObject({
      state: 'delivered',
      attempts: 2,
      last_error: null,
    });
    expect(warnings).toEqual([
      `Alert ${alert.id} to ${target}: attempt 1 ended after its lease; outcome not recorded`,
    ]);
  });
});

describeWithKafka('alert delivery to Kafka (kcat mock cluster or KAFKA_BROKERS)', () => {
  let cluster: KafkaTestCluster;
  beforeAll(async () => {
    cluster = await startKafka();
  });
  afterAll(() => cluster?.stop());

  it('publishes each alert to touchline.alerts.v1 as a binary-mode CloudEvent keyed by customer', async () => {
    const kafka = createKafka({
      clientId: `alerts-spec-${randomUUID()}`,
      brokers: cluster.brokers,
    });
    const clock = () => new Date();
    const channel = new KafkaAlertChannel(createProducer(kafka));
    const dispatcher = new AlertDispatcher({
      pool: bed.db.pool,
      channels: [channel],
      clock,
      pollMs: 20,
    });
    const alerts = new AlertsService({
      pool: bed.db.pool,
      targets: [KAFKA_TARGET],
      clock,
      onRaised: () => dispatcher.wake(),
    });
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    const alert = detractor(customerId);

    const consumer = kafka.consumer({
      groupId: `alerts-spec-${randomUUID()}`,
      heartbeatInterval: 300,
      sessionTimeout: 6_000,
      maxWaitTimeInMs: 100,
    });
    const messages: {
      key: string | null;
      headers: Record<string, string>;
      value: Buffer | null;
    }[] = [];
    let joined: () => void = () => undefined;
    const join = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    dispatcher.start();
    try {
      expect(await alerts.raise(alert)).toBe(true);
      await waitFor(
        async () =>
          (await deliveryOf(alert.id, KAFKA_TARGET)).state === 'delivered' ? true : undefined,
        { what: 'the Kafka delivery' },
      );
      // The topic exists now (auto-created by the first send): read it from the beginning.
      await consumer.connect();
      await consumer.subscribe({ topic: TOPICS.alerts, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) {
            if (value !== undefined) headers[name] = value.toString();
          }
          messages.push({
            key: message.key?.toString('utf8') ?? null,
            headers,
            value: message.value,
          });
        },
      });
      await join;
      const mine = await waitFor(() => messages.find((m) => m.headers.ce_id === alert.id), {
        what: 'the alert on touchline.alerts.v1',
      });
      expect(mine.key).toBe(customerId);
      expect(mine.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_id: alert.id,
        ce_source: '/touchline/alerts',
        ce_type: 'touchline.alert.detractor',
        ce_subject: customerId,
        ce_partitionkey: customerId,
        'content-type': 'application/json',
      });
      const decoded = fromKafkaMessage(mine);
      expect(decoded.ok).toBe(true);
      if (decoded.ok) {
        expect(decoded.mode).toBe('binary');
        expect(decoded.event.data).toMatchObject({
          id: alert.id,
          kind: 'detractor',
          customerId,
          reasons: alert.reasons,
          data: alert.data,
        });
      }
      expect(await deliveryOf(alert.id, KAFKA_TARGET)).toMatchObject({
        state: 'delivered',
        attempts: 1,
      });
    } finally {
      await consumer.disconnect();
      await dispatcher.stop();
    }
  });
});
