/**
 * End-to-end benchmark (`npm run bench`): the service as a user runs it, fed a seeded synthetic
 * population through three doors at once (native HTTP batches, single HTTP touchpoints, Kafka
 * inbound) while analysts query it; then a projection rebuild, and the same events appended
 * straight to touchline's store, to Emmett's PostgreSQL store and with a raw COPY. Method:
 * docs/benchmarks.md.
 *
 *   npm run bench                        full run (≈ 220,000 events; under 10 minutes on 2 cores)
 *   npm run bench -- --quick             a short run (≈ 9,000 events; under a minute)
 *   npm run bench -- --customers 5000    population size (≈ 22 events per customer)
 *   npm run bench -- --seed 7            another population
 *   npm run bench -- --no-kafka          HTTP doors only (no KAFKA_BROKERS and no kcat needed)
 *   npm run bench -- --out file.md       where the markdown fragment goes (reports/bench-e2e.md)
 *
 * Needs a PostgreSQL server: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) is
 * the admin connection; the run creates its own databases and drops them at the end. Kafka:
 * KAFKA_BROKERS, else librdkafka's mock cluster through kcat (a protocol mock, not Kafka: its
 * figures say nothing about a real broker). JSON on stdout, progress on stderr.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Client } from 'pg';
import { createKafka, createProducer, TOPICS } from '@touchline/kafka';
import { startKafka, waitFor, type KafkaTestCluster } from '@touchline/testing';
import type { Touchpoint } from '@touchline/touchpoints';
import { compareSystems, type CompareResult } from './lib/compare';
import { Latencies, round } from './lib/measure';
import { childrenNamed, memoryOf } from './lib/proc';
import { TouchlineClient, type IngestResult } from './lib/touchline-client';
import { startBenchService, type BenchService } from './lib/service';
import { Population } from './population';

interface Options {
  quick: boolean;
  customers: number;
  seed: number;
  kafka: boolean;
  batchConnections: number;
  batchSize: number;
  singleConnections: number;
  kafkaBatch: number;
  queryConnections: number;
  compareCallers: number;
  compareEventsPerCall: number;
  out: string;
  databaseUrl: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    quick: false,
    customers: 10_000,
    seed: 42,
    kafka: true,
    batchConnections: 2,
    batchSize: 500,
    singleConnections: 8,
    kafkaBatch: 500,
    queryConnections: 2,
    compareCallers: 4,
    compareEventsPerCall: 100,
    out: 'reports/bench-e2e.md',
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  };
  let customersGiven = false;
  const value = (i: number): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${argv[i]} needs a value`);
    return v;
  };
  const integer = (i: number, min: number): number => {
    const n = Number(value(i));
    if (!Number.isInteger(n) || n < min) throw new Error(`${argv[i]} must be an integer ≥ ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--quick':
        options.quick = true;
        break;
      case '--customers':
        options.customers = integer(i++, 1);
        customersGiven = true;
        break;
      case '--seed':
        options.seed = integer(i++, 0);
        break;
      case '--no-kafka':
        options.kafka = false;
        break;
      case '--out':
        options.out = value(i++);
        break;
      default:
        throw new Error(`Unknown argument ${argv[i]} (see the header of bench/e2e.bench.ts)`);
    }
  }
  if (options.quick && !customersGiven) options.customers = 400;
  return options;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// The doors: each gets a fixed share of the customers (by index), whole customers, so a
// customer's events go through one door in occurrence order. A share rather than a common queue:
// a Kafka producer only waits for the broker, and would otherwise take nearly every customer.

const WORKER_MAIN = resolve(__dirname, '..', 'apps', 'worker', 'src', 'main.ts');

/** Customers whose index ends in these digits go through the door. */
const SHARES = { 'http-batch': [0, 1, 2, 3, 4, 5, 6], kafka: [7, 8], 'http-single': [9] } as const;

interface DoorFigures {
  door: 'http-batch' | 'http-single' | 'kafka';
  connections: number;
  customers: number;
  events: number;
  requests: number;
  retriedRequests: number;
  busyS: number;
  eventsPerSecond: number;
  /** Per request (HTTP) or per produce call (Kafka, acks = all). */
  latencyMs: { p50: number; p99: number; max: number };
}

interface Ack {
  customerId: string;
  position: string;
  at: number;
}

class CustomerQueue {
  private next = 0;
  constructor(
    private readonly population: Population,
    private readonly digits: readonly number[],
  ) {}
  take(): { customerId: string; events: Touchpoint[] } | null {
    while (this.next < this.population.customers && !this.digits.includes(this.next % 10))
      this.next++;
    if (this.next >= this.population.customers) return null;
    return this.population.customer(this.next++);
  }
}

function figures(
  door: DoorFigures['door'],
  connections: number,
  counts: { customers: number; events: number; requests: number; retried: number },
  latencies: Latencies,
  busyS: number,
): DoorFigures {
  const summary = latencies.summary();
  return {
    door,
    connections,
    customers: counts.customers,
    events: counts.events,
    requests: counts.requests,
    retriedRequests: counts.retried,
    busyS: round(busyS),
    eventsPerSecond: busyS > 0 ? Math.round(counts.events / busyS) : 0,
    latencyMs: { p50: summary.p50Ms, p99: summary.p99Ms, max: summary.maxMs },
  };
}

async function httpBatchDoor(
  client: TouchlineClient,
  queue: CustomerQueue,
  options: Options,
  onAck: (ack: Ack) => void,
): Promise<DoorFigures> {
  const latencies = new Latencies(1_024);
  const counts = { customers: 0, events: 0, requests: 0, retried: 0 };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.batchConnections }, async () => {
      for (;;) {
        const batch: Touchpoint[] = [];
        let last: string | null = null;
        while (batch.length < options.batchSize) {
          const customer = queue.take();
          if (!customer) break;
          counts.customers++;
          batch.push(...customer.events);
          last = customer.customerId;
        }
        if (batch.length === 0) return;
        const t0 = performance.now();
        const answer = await client.recordBatch(batch);
        latencies.record(performance.now() - t0);
        counts.requests++;
        if (answer.attempts > 1) counts.retried++;
        counts.events += batch.length;
        const results = answer.body.results;
        onAck({ customerId: last!, position: results[results.length - 1]!.position, at: now() });
      }
    }),
  );
  return figures(
    'http-batch',
    options.batchConnections,
    counts,
    latencies,
    (performance.now() - started) / 1000,
  );
}

async function httpSingleDoor(
  client: TouchlineClient,
  queue: CustomerQueue,
  options: Options,
  onAck: (ack: Ack) => void,
): Promise<DoorFigures> {
  const latencies = new Latencies(16_384);
  const counts = { customers: 0, events: 0, requests: 0, retried: 0 };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.singleConnections }, async () => {
      for (let customer = queue.take(); customer; customer = queue.take()) {
        counts.customers++;
        let result: IngestResult | null = null;
        for (const touchpoint of customer.events) {
          const t0 = performance.now();
          const answer = await client.record(touchpoint);
          latencies.record(performance.now() - t0);
          if (answer.attempts > 1) counts.retried++;
          counts.requests++;
          counts.events++;
          result = answer.body;
        }
        if (result)
          onAck({ customerId: customer.customerId, position: result.position, at: now() });
      }
    }),
  );
  return figures(
    'http-single',
    options.singleConnections,
    counts,
    latencies,
    (performance.now() - started) / 1000,
  );
}

async function kafkaDoor(
  brokers: string[],
  queue: CustomerQueue,
  options: Options,
): Promise<DoorFigures> {
  const kafka = createKafka({ brokers, clientId: 'touchline-bench' });
  const producer = createProducer(kafka);
  await producer.connect();
  const latencies = new Latencies(1_024);
  const counts = { customers: 0, events: 0, requests: 0, retried: 0 };
  const started = performance.now();
  try {
    for (;;) {
      const messages: { key: string; value: string }[] = [];
      while (messages.length < options.kafkaBatch) {
        const customer = queue.take();
        if (!customer) break;
        counts.customers++;
        // Plain JSON in the native envelope, keyed by the stream's owner (docs/api.md).
        for (const touchpoint of customer.events)
          messages.push({
            key: touchpoint.customerId ?? touchpoint.anonymousId!,
            value: JSON.stringify(touchpoint),
          });
      }
      if (messages.length === 0) break;
      const t0 = performance.now();
      await producer.send({ topic: TOPICS.inbound, acks: -1, messages });
      latencies.record(performance.now() - t0);
      counts.requests++;
      counts.events += messages.length;
    }
  } finally {
    await producer.disconnect();
  }
  return figures('kafka', 1, counts, latencies, (performance.now() - started) / 1000);
}

// ---------------------------------------------------------------------------------------------
// Analysts and freshness, while the doors run.

interface QueryFigures {
  endpoint: string;
  requests: number;
  non2xx: number;
  /** Non-2xx answers by status (a 404 for a customer acknowledged but not projected yet). */
  statuses: Record<string, number>;
  latencyMs: { p50: number; p99: number; max: number };
}

function analysts(
  client: TouchlineClient,
  routes: Set<string>,
  acked: string[],
  population: Population,
  connections: number,
): { stop(): Promise<QueryFigures[]> } {
  const from = population.startAt.toISOString().slice(0, 10);
  const endpoints: { name: string; path: (customer: string) => string }[] = [
    { name: 'GET /v1/customers/{id}', path: (c) => `/v1/customers/${c}` },
    { name: 'GET /v1/customers/{id}/timeline', path: (c) => `/v1/customers/${c}/timeline` },
    {
      name: 'GET /v1/customers/{id}/emotion-curve',
      path: (c) => `/v1/customers/${c}/emotion-curve`,
    },
    { name: 'GET /v1/customers?sort=-netSpend', path: () => '/v1/customers?sort=-netSpend' },
    ...(['nps', 'csat', 'ces'] as const).map((kind) => ({
      name: `GET /v1/analytics/${kind}?interval=month`,
      path: () => `/v1/analytics/${kind}?interval=month&from=${from}`,
    })),
  ];
  // Analytics routes other parts of touchline add (RFM, churn, complaints), when present.
  for (const route of routes) {
    const match = /^GET (\/v1\/analytics\/[^{}]+)$/.exec(route);
    if (match && !/\/(nps|csat|ces)$/.test(match[1]!))
      endpoints.push({ name: route, path: () => match[1]! });
  }
  const stats = endpoints.map(() => ({
    latencies: new Latencies(1_024),
    requests: 0,
    non2xx: 0,
    statuses: {} as Record<string, number>,
  }));
  let running = true;
  let turn = 0;
  const worker = async (): Promise<void> => {
    while (running) {
      if (acked.length === 0) {
        await pause(50);
        continue;
      }
      const k = turn++ % endpoints.length;
      const customer = acked[(turn * 7919) % acked.length]!;
      // A connection the server dropped is counted under status 0 (not timed), never fatal:
      // analysts' tools retry a read.
      const answer = await client
        .request('GET', endpoints[k]!.path(customer))
        .catch(() => ({ status: 0, ms: null }));
      if (answer.ms !== null) stats[k]!.latencies.record(answer.ms);
      stats[k]!.requests++;
      if (answer.status < 200 || answer.status >= 300) {
        stats[k]!.non2xx++;
        stats[k]!.statuses[answer.status] = (stats[k]!.statuses[answer.status] ?? 0) + 1;
      }
      // Analysts read results, then ask again: a short think time, not a closed loop.
      await pause(20);
    }
  };
  const workers = Array.from({ length: connections }, worker);
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      return endpoints.map((endpoint, k) => {
        const summary = stats[k]!.latencies.summary();
        return {
          endpoint: endpoint.name,
          requests: stats[k]!.requests,
          non2xx: stats[k]!.non2xx,
          statuses: stats[k]!.statuses,
          latencyMs: { p50: summary.p50Ms, p99: summary.p99Ms, max: summary.maxMs },
        };
      });
    },
  };
}

interface FreshnessFigures {
  samples: number;
  timeouts: number;
  latencyMs: { p50: number; p99: number; max: number };
}

/**
 * Freshness: the time from an ingestion acknowledgement to the moment a query sent with that
 * event's position (X-Touchline-Min-Position) answers: the acknowledged event is queryable.
 * One sample at a time, always of the latest acknowledgement.
 */
function freshness(
  client: TouchlineClient,
  latest: () => Ack | null,
): { stop(): Promise<FreshnessFigures> } {
  const latencies = new Latencies(1_024);
  let timeouts = 0;
  let running = true;
  let sampled: Ack | null = null;
  const loop = (async () => {
    while (running) {
      const ack = latest();
      if (!ack || ack === sampled) {
        await pause(10);
        continue;
      }
      sampled = ack;
      const answer = await client
        .request('GET', `/v1/customers/${ack.customerId}`, {
          headers: { 'x-touchline-min-position': ack.position },
        })
        .catch(() => ({ status: 0 })); // a dropped connection: counted with the timeouts
      if (answer.status === 200) latencies.record(now() - ack.at);
      else timeouts++;
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const summary = latencies.summary();
      return {
        samples: summary.calls,
        timeouts,
        latencyMs: { p50: summary.p50Ms, p99: summary.p99Ms, max: summary.maxMs },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------

interface ProjectionStatus {
  name: string;
  generation: number;
  caughtUp: boolean;
  lagEvents: number;
  rebuild: { state: string; applied: number; total: number; lastError: string | null } | null;
}

async function projections(client: TouchlineClient): Promise<ProjectionStatus[]> {
  const answer = await client.request<ProjectionStatus[]>('GET', '/v1/ops/projections');
  if (answer.status !== 200) throw new Error(`GET /v1/ops/projections: ${answer.status}`);
  return answer.body;
}

/** Rebuilds a projection beside the live one and times it until reads have switched. */
type RebuildFigures =
  | { projection: string; events: number; seconds: number; eventsPerSecond: number }
  | { projection: string; error: string };

async function rebuild(
  client: TouchlineClient,
  name: string,
): Promise<Exclude<RebuildFigures, { error: string }>> {
  const started = performance.now();
  const answer = await client.request<{ generation: number }>(
    'POST',
    `/v1/ops/projections/${name}/rebuild`,
  );
  if (answer.status !== 202) throw new Error(`rebuild of ${name}: ${answer.status}`);
  let total = 0;
  await waitFor(
    async () => {
      const status = await client.request<ProjectionStatus>('GET', `/v1/ops/projections/${name}`);
      const { rebuild: build, generation } = status.body;
      if (build) {
        if (build.state === 'failed')
          throw new Error(`rebuild of ${name} failed: ${build.lastError}`);
        total = Math.max(total, build.total);
        return undefined;
      }
      return generation >= answer.body.generation ? true : undefined;
    },
    { timeoutMs: 600_000, intervalMs: 50, what: `the rebuild of ${name}` },
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    projection: name,
    events: total,
    seconds: round(seconds),
    eventsPerSecond: Math.round(total / seconds),
  };
}

/**
 * The stored event ids against the generated ones, both ways: `lost` were generated and are not
 * stored, `unexpected` are stored and were never generated (a touchpoint stored under a second id,
 * e.g. by a retry that made up a new one). The store's unique event_id rules out the same id twice.
 */
async function compareIds(
  url: string,
  population: Population,
): Promise<{ stored: number; lost: number; unexpected: number }> {
  const generated = new Set<string>();
  for (const touchpoint of population.events()) generated.add(touchpoint.eventId);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ event_id: string }>(
      'SELECT event_id FROM touchline.events',
    );
    let unexpected = 0;
    for (const { event_id } of rows) {
      if (generated.has(event_id)) generated.delete(event_id);
      else unexpected++;
    }
    return { stored: rows.length, lost: generated.size, unexpected };
  } finally {
    await client.end();
  }
}

async function storedEvents(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ events: string }>(
      'SELECT count(*) AS events FROM touchline.events',
    );
    return Number(rows[0]!.events);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = performance.now();
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const database = `touchline_e2e_${stamp}_${process.pid}`;
  const url = new URL(options.databaseUrl);
  url.pathname = `/${database}`;
  const admin = new Client({ connectionString: options.databaseUrl });
  await admin.connect();
  const { rows: version } = await admin.query<{ v: string }>(
    "SELECT current_setting('server_version') AS v",
  );
  await admin.query(`CREATE DATABASE ${database}`);
  let kafka: KafkaTestCluster | null = null;
  let service: BenchService | null = null;
  let worker: BenchService | null = null;
  let cleaning: Promise<void> | null = null;
  // Whatever happens (an error, Ctrl-C), nothing this run started or created outlives it.
  const cleanUp = (): Promise<void> =>
    (cleaning ??= (async () => {
      await worker?.stop();
      await service?.stop();
      await kafka?.stop();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: stopping the service and dropping ${database}`);
      void cleanUp().finally(() => process.exit(130));
    });
  try {
    let kafkaNote = 'not used (--no-kafka)';
    if (options.kafka) {
      try {
        kafka = await startKafka();
        kafkaNote =
          kafka.kind === 'mock'
            ? "librdkafka's mock cluster (kcat): a protocol mock, not a broker"
            : `KAFKA_BROKERS (${kafka.brokers.join(',')})`;
      } catch (error) {
        kafkaNote = `not available: ${(error as Error).message}`;
        log(`Kafka inbound off: ${kafkaNote}`);
      }
    }
    const population = new Population({ seed: options.seed, customers: options.customers });
    const secret = `bench-${randomBytes(16).toString('hex')}`;
    // In the kafka profile the worker app (when this build has one) runs the projections and the
    // relay; the API then only serves them.
    const withWorker = kafka !== null && existsSync(WORKER_MAIN);
    const profile = kafka
      ? `kafka profile, ${withWorker ? 'API + worker' : 'API only (no worker app)'}`
      : 'postgres profile';
    log(`starting the service (${profile}) on ${database}`);
    const env: Record<string, string> = {
      DATABASE_URL: url.toString(),
      ...(kafka ? { KAFKA_BROKERS: kafka.brokers.join(',') } : {}),
      TOUCHLINE_API_KEYS: `bench:${secret}:admin`,
      // Personal fields are encrypted with per-customer keys wrapped by this one (docs/privacy.md).
      TOUCHLINE_MASTER_KEYS: `bench-mk:${randomBytes(32).toString('base64')}`,
      LOG_LEVEL: 'warn',
      // Freshness samples wait on the position themselves; 503 only if it takes this long.
      TOUCHLINE_MIN_POSITION_WAIT_MS: '30000',
    };
    // `npm start` builds first when a source is newer than the build: minutes on 2 busy cores.
    service = await startBenchService(env, 600_000);
    if (withWorker) worker = await startBenchService({ ...env, TOUCHLINE_APP: 'worker' }, 600_000);
    const client = new TouchlineClient(service.baseUrl, secret);
    const routes = await client.routes();
    log(
      `population: seed ${options.seed}, ${options.customers} customers, ` +
        `${population.startAt.toISOString().slice(0, 10)} to ${population.endAt.toISOString().slice(0, 10)}`,
    );

    // Ingestion through every door at once, with analysts and the freshness probe alongside.
    // Without Kafka its share goes through the batch door.
    const batchShare = kafka ? SHARES['http-batch'] : [...SHARES['http-batch'], ...SHARES.kafka];
    const acked: string[] = [];
    let latest: Ack | null = null;
    const onAck = (ack: Ack) => {
      acked.push(ack.customerId);
      latest = ack;
    };
    const analystLoad = analysts(client, routes, acked, population, options.queryConnections);
    const probe = freshness(client, () => latest);
    const ingestStarted = performance.now();
    const doors = await Promise.all([
      httpBatchDoor(client, new CustomerQueue(population, batchShare), options, onAck),
      httpSingleDoor(client, new CustomerQueue(population, SHARES['http-single']), options, onAck),
      ...(kafka
        ? [kafkaDoor(kafka.brokers, new CustomerQueue(population, SHARES.kafka), options)]
        : []),
    ]);
    const generated = doors.reduce((sum, d) => sum + d.events, 0);
    log(`all ${generated} events sent in ${round((performance.now() - ingestStarted) / 1000)} s`);
    // Kafka inbound is asynchronous: ingestion ends when the store holds every event.
    await waitFor(
      async () => ((await storedEvents(url.toString())) >= generated ? true : undefined),
      { timeoutMs: 300_000, intervalMs: 100, what: 'every event in the store' },
    );
    const ingestS = (performance.now() - ingestStarted) / 1000;
    await waitFor(
      async () => ((await projections(client)).every((p) => p.caughtUp) ? true : undefined),
      { timeoutMs: 300_000, intervalMs: 50, what: 'the projections to catch up' },
    );
    const caughtUpS = (performance.now() - ingestStarted) / 1000;
    const fresh = await probe.stop();
    const queries = await analystLoad.stop();
    log(
      `stored in ${round(ingestS)} s (${Math.round(generated / ingestS)} events/s); projections caught up at ${round(caughtUpS)} s`,
    );

    // The analytics jobs other parts of touchline add (RFM recompute, churn refit), when present.
    const jobs: { route: string; status: number; seconds: number }[] = [];
    for (const route of [...routes].filter((r) => /^POST \/v1\/[^{}]*(rfm|churn)[^{}]*$/.test(r))) {
      const answer = await client.request('POST', route.slice('POST '.length), { body: {} });
      jobs.push({ route, status: answer.status, seconds: round(answer.ms / 1000) });
      log(`  ${route}: ${answer.status} in ${round(answer.ms / 1000)} s`);
    }

    log('rebuilding customer_profile');
    let rebuilt: RebuildFigures;
    try {
      const done = await rebuild(client, 'customer_profile');
      rebuilt = done;
      log(`  ${done.events} events in ${done.seconds} s (${done.eventsPerSecond} events/s)`);
    } catch (error) {
      rebuilt = { projection: 'customer_profile', error: (error as Error).message };
      log(`  the rebuild failed: ${rebuilt.error}`);
      process.exitCode = 1;
    }

    const memory: { process: string; pid: number; peakMb: number | null }[] = [
      {
        process: 'service (API)',
        pid: service.child.pid!,
        peakMb: memoryOf(service.child.pid!)?.peakMb ?? null,
      },
      ...(worker
        ? [
            {
              process: 'worker',
              pid: worker.child.pid!,
              peakMb: memoryOf(worker.child.pid!)?.peakMb ?? null,
            },
          ]
        : []),
      ...childrenNamed(process.pid, 'kcat').map((pid) => ({
        process: 'kcat mock cluster',
        pid,
        peakMb: memoryOf(pid)?.peakMb ?? null,
      })),
      {
        process: 'benchmark driver',
        pid: process.pid,
        peakMb: memoryOf(process.pid)?.peakMb ?? null,
      },
    ];
    const stored = await compareIds(url.toString(), population);
    const workerExit = worker ? await worker.stop() : null;
    worker = null;
    const serviceExit = await service.stop();
    service = null;
    await kafka?.stop();
    kafka = null;

    const comparison = await compareSystems(
      options.databaseUrl,
      `${database}_cmp`,
      ['touchline', 'emmett', 'copy'],
      {
        population: {
          seed: population.seed,
          customers: population.customers,
          endAt: population.endAt.toISOString(),
        },
        eventsPerCall: options.compareEventsPerCall,
        callers: options.compareCallers,
      },
      log,
    );
    const find = (system: CompareResult['system']) => comparison.find((c) => c.system === system)!;
    const serviceRate = Math.round(generated / ingestS);
    const ratio = (a: number, b: number) => round(a / b, 2);
    const report = {
      benchmark: 'e2e',
      at: new Date().toISOString(),
      quick: options.quick,
      wallS: 0,
      machine: {
        cores: availableParallelism(),
        memoryGb: round(totalmem() / 1024 ** 3, 1),
        node: process.version,
        postgres: version[0]!.v,
        loadAverage: loadavg().map((l) => round(l)),
      },
      profile,
      kafka: kafkaNote,
      population: {
        seed: population.seed,
        customers: population.customers,
        events: generated,
        from: population.startAt.toISOString(),
        to: population.endAt.toISOString(),
      },
      ingest: {
        doors,
        events: generated,
        seconds: round(ingestS),
        eventsPerSecond: serviceRate,
        projectionsCaughtUpS: round(caughtUpS),
      },
      freshness: fresh,
      queries,
      jobs,
      rebuild: rebuilt,
      memory,
      integrity: {
        generated,
        stored: stored.stored,
        lost: stored.lost,
        unexpected: stored.unexpected,
        serviceExit,
        workerExit,
      },
      comparison: {
        eventsPerCall: options.compareEventsPerCall,
        callers: options.compareCallers,
        results: comparison,
        ratios: {
          storeVsEmmett: ratio(find('touchline').eventsPerSecond, find('emmett').eventsPerSecond),
          storeVsCopy: ratio(find('touchline').eventsPerSecond, find('copy').eventsPerSecond),
          serviceVsEmmett: ratio(serviceRate, find('emmett').eventsPerSecond),
          serviceVsCopy: ratio(serviceRate, find('copy').eventsPerSecond),
        },
      },
    };
    report.wallS = round((performance.now() - startedAt) / 1000);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, markdown(report));
    log(`wrote ${options.out} (${report.wallS} s in all)`);
    if (report.integrity.lost !== 0 || report.integrity.unexpected !== 0) {
      log(`integrity: ${report.integrity.lost} lost, ${report.integrity.unexpected} unexpected`);
      process.exitCode = 1;
    }
  } finally {
    await cleanUp();
  }
}

type Report = {
  at: string;
  quick: boolean;
  wallS: number;
  machine: {
    cores: number;
    memoryGb: number;
    node: string;
    postgres: string;
    loadAverage: number[];
  };
  profile: string;
  kafka: string;
  population: { seed: number; customers: number; events: number; from: string; to: string };
  ingest: {
    doors: DoorFigures[];
    events: number;
    seconds: number;
    eventsPerSecond: number;
    projectionsCaughtUpS: number;
  };
  freshness: FreshnessFigures;
  queries: QueryFigures[];
  jobs: { route: string; status: number; seconds: number }[];
  rebuild: RebuildFigures;
  memory: { process: string; pid: number; peakMb: number | null }[];
  integrity: { generated: number; stored: number; lost: number; unexpected: number };
  comparison: {
    eventsPerCall: number;
    callers: number;
    results: CompareResult[];
    ratios: Record<string, number>;
  };
};

function markdown(r: Report): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const lines = [
    `### \`npm run bench\`${r.quick ? ' --quick' : ''}, ${r.at.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${r.machine.cores} cores, ${r.machine.memoryGb} GB, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}; ${r.profile}; ` +
      `load average at the end ${r.machine.loadAverage.join(' / ')}. Kafka: ${r.kafka}. ` +
      `Population: seed ${r.population.seed}, ${n(r.population.customers)} customers, ` +
      `${n(r.population.events)} events from ${r.population.from.slice(0, 10)} to ${r.population.to.slice(0, 10)}. ` +
      `Whole run ${r.wallS} s.`,
    '',
    `**Ingestion**: ${n(r.ingest.events)} events stored in ${r.ingest.seconds} s through every door at once: ` +
      `**${n(r.ingest.eventsPerSecond)} events/s**; every projection caught up ${r.ingest.projectionsCaughtUpS} s after the start. ` +
      `Stored ${n(r.integrity.stored)}; generated and not stored (lost) ${r.integrity.lost}; stored and never generated ${r.integrity.unexpected}.`,
    '',
    '| door | connections | customers | events | requests | events/s while busy | p50 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.ingest.doors.map(
      (d) =>
        `| ${d.door} | ${d.connections} | ${n(d.customers)} | ${n(d.events)} | ${n(d.requests)} | ${n(d.eventsPerSecond)} | ${d.latencyMs.p50} | ${d.latencyMs.p99} | ${d.latencyMs.max} |`,
    ),
    '',
    `**Freshness** (acknowledged → queryable with its position): ${r.freshness.samples} samples, ` +
      `p50 ${r.freshness.latencyMs.p50} ms, **p99 ${r.freshness.latencyMs.p99} ms**, max ${r.freshness.latencyMs.max} ms, ` +
      `${r.freshness.timeouts} timeouts.`,
    '',
    '| query (during ingestion) | requests | non-2xx | p50 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|---:|',
    ...r.queries.map(
      (q) =>
        `| \`${q.endpoint}\` | ${q.requests} | ${q.non2xx}${
          q.non2xx
            ? ` (${Object.entries(q.statuses)
                .map(([status, count]) => `${status}: ${count}`)
                .join(', ')})`
            : ''
        } | ${q.latencyMs.p50} | ${q.latencyMs.p99} | ${q.latencyMs.max} |`,
    ),
    '',
    ...(r.jobs.length > 0
      ? [
          '| analytics job (after ingestion) | status | seconds |',
          '|---|---:|---:|',
          ...r.jobs.map((j) => `| \`${j.route}\` | ${j.status} | ${j.seconds} |`),
          '',
        ]
      : []),
    'error' in r.rebuild
      ? `**Rebuild** of \`${r.rebuild.projection}\` failed: ${r.rebuild.error}`
      : `**Rebuild** of \`${r.rebuild.projection}\`: ${n(r.rebuild.events)} events in ${r.rebuild.seconds} s, ` +
        `**${n(r.rebuild.eventsPerSecond)} events/s** (until reads switched to the new generation).`,
    '',
    '| process | peak RSS (VmHWM) MB |',
    '|---|---:|',
    ...r.memory.map((m) => `| ${m.process} | ${m.peakMb ?? 'n/a'} |`),
    '',
    `**The same events appended straight to a store** (up to ${r.comparison.eventsPerCall} events per append, ` +
      `one stream each, ${r.comparison.callers} callers, a fresh database each):`,
    '',
    '| system | events/s | p50 ms | p99 ms | peak RSS MB |',
    '|---|---:|---:|---:|---:|',
    ...r.comparison.results.map(
      (c) =>
        `| ${c.system} | ${n(c.eventsPerSecond)} | ${c.latencyMs.p50} | ${c.latencyMs.p99} | ${c.peakRssMb ?? 'n/a'} |`,
    ),
    '',
    `Ratios: touchline store / Emmett **${r.comparison.ratios.storeVsEmmett}**, touchline store / COPY ` +
      `**${r.comparison.ratios.storeVsCopy}**; the whole service (HTTP + Kafka, validation, projections and ` +
      `queries on the same machine) / Emmett ${r.comparison.ratios.serviceVsEmmett}, / COPY ${r.comparison.ratios.serviceVsCopy}.`,
    '',
  ];
  return lines.join('\n');
}

function now(): number {
  return performance.now();
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
