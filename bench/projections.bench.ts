/**
 * Projections benchmark: rebuild throughput and end-to-end freshness, on the PostgreSQL server at
 * DATABASE_URL. See docs/benchmarks.md.
 *
 *   npm run bench:projections                      1,000,000 events, 20 s of 2,000 events/s per feed
 *   npm run bench:projections -- --quick           100,000 events, 8 s per feed
 *   npm run bench:projections -- --events 300000 --rate 2000 --duration 30 --keep --out r.json
 *   npm run bench:projections -- --population      the rebuild reads the synthetic population
 *     (bench/population: identity links, complaints, surveys about purchases) instead of the mix
 *
 * 1. Rebuild: a fresh database (`touchline_bench_projections_<stamp>`, dropped afterwards unless
 *    --keep); every registered projection (READ_MODEL_PROJECTIONS) is created and stopped, the
 *    events are appended straight through the event store (hundreds of customer streams per
 *    transaction), then all projections are rebuilt at once from the start of the log and timed
 *    until every one has switched: events/s = log events / seconds (each event goes through every
 *    projection that handles it). Peak RSS of this process (engine and loader) is sampled throughout.
 * 2. Freshness, in-process feed: the rebuilt projections run live; single-event appends to random
 *    customers at --rate events/s (ticks of 50 ms) for --duration seconds; per append, the time
 *    from the append's start until every projection has applied its position (waitForPosition,
 *    what a query with X-Touchline-Min-Position waits for): p50/p99.
 * 3. Freshness through Kafka: the same on a second, empty database, with the relay publishing to
 *    a topic of its own and the engine's live source the Kafka consumer groups: KAFKA_BROKERS, or
 *    the kcat mock cluster (librdkafka's protocol mock: 4 partitions, no replication behind acks).
 *
 * JSON on stdout, progress on stderr. The machine is shared: its load is part of the output.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Client, Pool } from 'pg';
import { PostgresEventStore, type EventToAppend, type StreamAppend } from '@touchline/event-store';
import { createKafka } from '@touchline/kafka';
import {
  kafkaSource,
  PostgresLogStats,
  ProjectionEngine,
  type SourceFactory,
} from '@touchline/projections';
import { READ_MODEL_PROJECTIONS } from '@touchline/read-models';
import { Relay } from '@touchline/relay';
import { startKafka } from '@touchline/testing';
import {
  toEventToAppend,
  touchpointExample,
  validateJourneyEvent,
  type TouchpointType,
} from '@touchline/touchpoints';
import { Latencies, round, rssSampler } from './lib/measure';
import { Population } from './population';

interface Options {
  serverUrl: string;
  events: number;
  rate: number;
  durationS: number;
  keep: boolean;
  out: string | undefined;
  skipKafka: boolean;
  /** Load the synthetic population (bench/population) instead of the flat mix. */
  population: boolean;
}

function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const positive = (name: string, fallback: number): number => {
    const raw = value(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} takes a positive integer`);
    return n;
  };
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('DATABASE_URL (a PostgreSQL server) is required');
  return {
    serverUrl,
    events: positive('--events', quick ? 100_000 : 1_000_000),
    rate: positive('--rate', 2_000),
    durationS: positive('--duration', quick ? 8 : 20),
    keep: argv.includes('--keep'),
    out: value('--out'),
    skipKafka: argv.includes('--no-kafka'),
    population: argv.includes('--population'),
  };
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const TARGETS = {
  rebuildEventsPerSecond: 30_000,
  inProcessP99Ms: 500,
  kafkaP99Ms: 1_000,
  rssMb: 512,
};

/** A mix of the catalogue's types, without free text (personal data, encrypted at ingestion). */
const MIX: Array<[TouchpointType, number]> = [
  ['browse', 30],
  ['purchase', 20],
  ['delivery', 8],
  ['survey.nps', 8],
  ['survey.csat', 6],
  ['survey.ces', 3],
  ['enquiry', 5],
  ['campaign.response', 6],
  ['service.contact', 3],
  ['loyalty.earned', 5],
  ['refund', 2],
];
const MIX_TOTAL = MIX.reduce((sum, [, w]) => sum + w, 0);

function pickType(r: number): TouchpointType {
  let x = r * MIX_TOTAL;
  for (const [type, weight] of MIX) if ((x -= weight) < 0) return type;
  return MIX[0]![0];
}

function journeyEvent(
  type: TouchpointType,
  customerId: string,
  at: number,
): EventToAppend & {
  streamId: string;
} {
  const example = touchpointExample(type);
  const data = { ...(example.data as Record<string, unknown>) };
  for (const key of ['text', 'comment']) delete data[key];
  if (type === 'purchase' || type === 'refund') {
    delete data.items;
    delete data.reason; // free text: personal data, encrypted at ingestion
  }
  if (type === 'purchase')
    Object.assign(data, { orderId: `SO-${randomUUID().slice(0, 12)}`, amount: 42.5 });
  if (type === 'refund') Object.assign(data, { amount: 5 });
  if (type === 'survey.nps') data.score = Math.floor(Math.random() * 11);
  if (type === 'survey.csat') data.score = 1 + Math.floor(Math.random() * 5);
  if (type === 'survey.ces') data.score = 1 + Math.floor(Math.random() * 7);
  const checked = validateJourneyEvent({
    ...example,
    eventId: randomUUID(),
    customerId,
    occurredAt: new Date(at).toISOString(),
    data,
  });
  if (!checked.ok)
    throw new Error(`generated ${type} is invalid: ${JSON.stringify(checked.errors)}`);
  const { streamId, event } = toEventToAppend(checked.touchpoint);
  return { ...event, streamId };
}

function parts(events: Array<EventToAppend & { streamId: string }>): StreamAppend[] {
  const byStream = new Map<string, EventToAppend[]>();
  for (const { streamId, ...event } of events) {
    const list = byStream.get(streamId) ?? [];
    list.push(event);
    byStream.set(streamId, list);
  }
  return [...byStream].map(([streamId, list]) => ({
    streamId,
    events: list,
    expectedRevision: 'any' as const,
  }));
}

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

interface Stack {
  pool: Pool;
  store: PostgresEventStore;
  engine(liveSource?: SourceFactory): ProjectionEngine;
}

async function openStack(url: string): Promise<Stack> {
  const pool = new Pool({ connectionString: url, max: 12 });
  // An idle connection ended by the server (a restart, an operator) must not end the benchmark.
  pool.on('error', (error) => log(`idle connection lost: ${error.message}`));
  await PostgresEventStore.migrate(pool);
  await ProjectionEngine.migrate(pool);
  const store = new PostgresEventStore(pool, { idlePollMs: 20 });
  return {
    pool,
    store,
    engine: (liveSource) =>
      new ProjectionEngine({
        pool,
        store,
        logStats: new PostgresLogStats(pool),
        projections: READ_MODEL_PROJECTIONS,
        liveSource,
        positionPollMs: 10,
      }),
  };
}

const NAMES = READ_MODEL_PROJECTIONS.map((p) => p.name);

async function load(
  store: PostgresEventStore,
  events: number,
  population: boolean,
): Promise<{ events: number; seconds: number }> {
  const perAppend = 2_000;
  const started = performance.now();
  let done = 0;
  let lastReport = performance.now();
  const report = () => {
    if (performance.now() - lastReport <= 5_000) return;
    lastReport = performance.now();
    log(`loaded ${done.toLocaleString('en')} events`);
  };
  if (population) {
    // About 22 touchpoints per customer: anonymous browsing claimed by identity.linked, surveys
    // about purchases, complaints with responses, consents, profile updates (bench/population).
    const people = new Population({ seed: 42, customers: Math.max(1, Math.round(events / 22)) });
    let batch: Array<EventToAppend & { streamId: string }> = [];
    for (const touchpoint of people.events()) {
      const { streamId, event } = toEventToAppend(touchpoint);
      batch.push({ ...event, streamId });
      if (batch.length < perAppend) continue;
      await store.appendToStreams(parts(batch));
      done += batch.length;
      batch = [];
      report();
    }
    if (batch.length > 0) await store.appendToStreams(parts(batch));
    done += batch.length;
    return { events: done, seconds: round((performance.now() - started) / 1000) };
  }
  const customers = Math.max(1, Math.floor(events / 10));
  const start = Date.UTC(2025, 0, 1);
  while (done < events) {
    const batch = Array.from({ length: Math.min(perAppend, events - done) }, (_, i) => {
      const n = done + i;
      return journeyEvent(pickType(Math.random()), `b-${n % customers}`, start + n * 1_000);
    });
    await store.appendToStreams(parts(batch));
    done += batch.length;
    report();
  }
  return { events: done, seconds: round((performance.now() - started) / 1000) };
}

async function rebuildAll(engine: ProjectionEngine, events: number) {
  const started = performance.now();
  const builds = await Promise.all(NAMES.map((name) => engine.rebuild(name)));
  const progress = setInterval(() => {
    void engine.status().then((statuses) => {
      const applied = statuses.reduce((n, s) => n + (s.rebuild?.applied ?? 0), 0);
      log(
        `rebuilding: ${Math.round(applied / statuses.length).toLocaleString('en')} of ${events.toLocaleString('en')} events (mean over projections)`,
      );
    });
  }, 5_000);
  try {
    await Promise.all(
      builds.map((b) =>
        engine.waitForRebuild(b.projection, b.generation, { timeoutMs: 3_600_000 }),
      ),
    );
  } finally {
    clearInterval(progress);
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds: round(seconds), eventsPerSecond: Math.round(events / seconds) };
}

/**
 * Appends at `rate` events/s for `durationS` and measures append start → applied by every
 * projection. One watcher (not one wait per event, which would flood the pool with polls) waits for
 * the newest appended position; when it is reached, every append at or before it is done at that
 * moment. The watcher's poll (10 ms, and a wake-up on every local commit) bounds the error.
 */
async function freshness(stack: Stack, engine: ProjectionEngine, rate: number, durationS: number) {
  const latencies = new Latencies(rate * durationS);
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const customers = 5_000;
  const pending: Array<{ position: string; t0: number }> = [];
  const appends: Promise<void>[] = [];
  let appended = 0;
  let appending = true;
  let stuck = 0;
  const watcher = (async () => {
    while (appending || pending.length > 0) {
      const newest = pending.reduce<string | null>(
        (max, p) =>
          max === null || stack.store.compareCheckpoints(p.position, max) > 0 ? p.position : max,
        null,
      );
      if (newest === null) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      const result = await engine.waitForPosition(NAMES, newest, 10_000);
      const now = performance.now();
      if (!result.reached) {
        stuck++;
        if (!appending && stuck > 3) break;
        continue;
      }
      for (let i = pending.length - 1; i >= 0; i--) {
        if (stack.store.compareCheckpoints(pending[i]!.position, newest) <= 0) {
          latencies.record(now - pending[i]!.t0);
          pending.splice(i, 1);
        }
      }
    }
  })();
  const started = performance.now();
  for (let tick = 0; performance.now() - started < durationS * 1000; tick++) {
    const due = started + tick * tickMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (let i = 0; i < perTick; i++) {
      const t0 = performance.now();
      const { streamId, ...event } = journeyEvent(
        pickType(Math.random()),
        `f-${Math.floor(Math.random() * customers)}`,
        Date.now(),
      );
      appends.push(
        stack.store.appendToStream(streamId, [event], 'any').then((result) => {
          appended++;
          pending.push({ position: result.events[0]!.position, t0 });
        }),
      );
    }
  }
  await Promise.all(appends);
  const seconds = (performance.now() - started) / 1000;
  appending = false;
  await watcher;
  return {
    appended,
    achievedRate: Math.round(appended / seconds),
    notAppliedWithin10s: pending.length,
    ...latencies.summary(),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const stamp = `${Date.now()}`;
  const result: Record<string, unknown> = {
    options: { ...options, serverUrl: undefined },
    machine: { cores: availableParallelism(), loadAvgAtStart: loadavg().map((l) => round(l)) },
    projections: NAMES,
    targets: TARGETS,
  };
  const rss = rssSampler();
  const names: string[] = [];
  try {
    // 1. Rebuild throughput.
    const name = `touchline_bench_projections_${stamp}`;
    names.push(name);
    const stack = await openStack(await createDatabase(options.serverUrl, name));
    const engine = stack.engine();
    await engine.start();
    for (const projection of NAMES) await engine.stop(projection);
    log(
      `loading ${options.events.toLocaleString('en')} events${options.population ? ' of the synthetic population' : ''}`,
    );
    const loaded = await load(stack.store, options.events, options.population);
    log(`rebuilding ${NAMES.length} projections from the start of the log`);
    const rebuildRss = rssSampler();
    const rebuild = await rebuildAll(engine, loaded.events);
    result.load = { ...loaded, population: options.population };
    result.rebuild = { ...rebuild, peakRssMb: rebuildRss.stop().peakMb };
    log(`rebuild: ${rebuild.eventsPerSecond.toLocaleString('en')} events/s`);

    // 2. Freshness, in-process feed (the rebuilt builds are live and running now).
    log(`freshness, in-process feed: ${options.rate} events/s for ${options.durationS} s`);
    result.freshnessInProcess = await freshness(stack, engine, options.rate, options.durationS);
    await engine.close();
    await stack.store.close();
    await stack.pool.end();

    // 3. Freshness through Kafka, on an empty database.
    if (!options.skipKafka) {
      const kafkaDb = `touchline_bench_projections_kafka_${stamp}`;
      names.push(kafkaDb);
      const kstack = await openStack(await createDatabase(options.serverUrl, kafkaDb));
      await Relay.migrate(kstack.pool);
      const cluster = await startKafka();
      const kafka = createKafka({ brokers: cluster.brokers, clientId: 'bench-projections' });
      const topic = `bench-journey-${stamp}`;
      const relay = new Relay({ pool: kstack.pool, store: kstack.store, kafka, topic });
      relay.start();
      const source = kafkaSource({
        kafka,
        topic,
        groupPrefix: `bench-${stamp}`,
        publishedUpTo: async () => {
          const { rows } = await kstack.pool.query<{ checkpoint: string | null }>(
            'SELECT checkpoint FROM relay.checkpoints WHERE name = $1',
            [topic],
          );
          return rows[0]?.checkpoint ?? null;
        },
        consumer: { sessionTimeout: 6_000, heartbeatInterval: 300 },
      });
      const kengine = kstack.engine(source);
      await kengine.start();
      // The consumer groups join before the clock starts: one event, applied by every projection.
      const first = journeyEvent('browse', 'warm-up', Date.now());
      const { streamId, ...rest } = first;
      const warm = await kstack.store.appendToStream(streamId, [rest], 'any');
      const joined = await kengine.waitForPosition(NAMES, warm.events[0]!.position, 120_000);
      if (!joined.reached)
        throw new Error('the Kafka consumer groups did not apply the warm-up event');
      log(
        `freshness through Kafka (${cluster.kind}): ${options.rate} events/s for ${options.durationS} s`,
      );
      result.freshnessKafka = {
        kafka: cluster.kind,
        ...(await freshness(kstack, kengine, options.rate, options.durationS)),
      };
      await kengine.close();
      await source.close();
      await relay.stop();
      await cluster.stop();
      await kstack.store.close();
      await kstack.pool.end();
    }
  } finally {
    result.peakRssMb = rss.stop().peakMb;
    result.machine = {
      ...(result.machine as object),
      loadAvgAtEnd: loadavg().map((l) => round(l)),
    };
    if (!options.keep) for (const name of names) await dropDatabase(options.serverUrl, name);
  }
  const json = JSON.stringify(result, null, 2);
  process.stdout.write(`${json}\n`);
  if (options.out) writeFileSync(options.out, `${json}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:projections failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
