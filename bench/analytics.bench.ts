/**
 * Analytics benchmark: the read models and the analyst API on a loaded database, on the
 * PostgreSQL server at DATABASE_URL. See docs/benchmarks.md.
 *
 *   npm run bench:analytics                         100,000 customers, 1,000,000 touchpoints
 *   npm run bench:analytics -- --quick              10,000 customers, 100,000 touchpoints, 5 s per query
 *   npm run bench:analytics -- --customers 50000 --touchpoints 500000 --duration 30
 *   npm run bench:analytics -- --rate 1000 --concurrency 4 --keep --out result.json
 *
 * 1. A fresh database (`touchline_bench_analytics_<stamp>`, dropped afterwards unless --keep)
 *    and the read models' part of the API in this process: ReadModelsModule with the config,
 *    auth, database and event store modules, listening on a free port.
 * 2. Load (the fast path): a seeded population appended straight through the event store,
 *    hundreds of customer streams per transaction (appendToStreams), while the projections
 *    follow; then wait until every projection has applied the last position.
 * 3. A full RFM recompute and a BG/NBD + Gamma-Gamma refit (with scoring), each timed.
 * 4. Queries over HTTP while ingestion runs at --rate events/s (single-event parts to random
 *    customers, appended in ticks of 100 ms): per route, --concurrency callers for --duration
 *    seconds; p50/p99 per route. Routes: profile, timeline page (50), NPS trend by week for a
 *    year, churn list (50), customers by value at risk (50).
 *
 * The client runs in the same process as the server (the read models' work included): its
 * latencies include the client's share of two cores, which makes them conservative. JSON on
 * stdout, progress on stderr; the machine's load is part of the output.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { AuthModule } from '@touchline/auth';
import { ConfigModule, loadConfig } from '@touchline/config';
import { DatabaseModule } from '@touchline/database';
import {
  EVENT_STORE,
  EventStoreModule,
  type EventStore,
  type StreamAppend,
} from '@touchline/event-store';
import { ProjectionEngine } from '@touchline/projections';
import {
  ChurnModel,
  READ_MODEL_PROJECTIONS,
  ReadModelsModule,
  RfmSnapshots,
} from '@touchline/read-models';
import {
  toEventToAppend,
  touchpointExample,
  validateJourneyEvent,
  type TouchpointType,
} from '@touchline/touchpoints';
import { Latencies, round } from './lib/measure';

const DAY = 86_400_000;

interface Options {
  serverUrl: string;
  customers: number;
  touchpoints: number;
  durationS: number;
  rate: number;
  concurrency: number;
  keep: boolean;
  out: string | undefined;
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
  const customers = positive('--customers', quick ? 10_000 : 100_000);
  return {
    serverUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    customers,
    touchpoints: positive('--touchpoints', customers * 10),
    durationS: positive('--duration', quick ? 5 : 20),
    rate: positive('--rate', 1_000),
    concurrency: positive('--concurrency', 4),
    keep: argv.includes('--keep'),
    out: value('--out'),
  };
}

const log = (message: string) => process.stderr.write(`[bench:analytics] ${message}\n`);

/** mulberry32: a small seeded generator, so that a run's population is reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Touchpoint mix of the ingestion during the queries: weights per type. In the loaded history
 * purchases follow the BG/NBD story instead (see history), and the rest follows this mix
 * without purchases.
 */
const MIX: [TouchpointType, number][] = [
  ['browse', 28],
  ['purchase', 22],
  ['delivery', 8],
  ['survey.nps', 8],
  ['survey.csat', 6],
  ['survey.ces', 3],
  ['enquiry', 5],
  ['campaign.response', 6],
  ['service.contact', 3],
  ['loyalty.earned', 5],
  ['refund', 2],
  ['complaint.opened', 4],
];
const MIX_TOTAL = MIX.reduce((sum, [, w]) => sum + w, 0);
/** Free text is personal data and goes through encryption at ingestion; the fast path has none. */
const FREE_TEXT = ['text', 'comment'];

interface Draft {
  type: TouchpointType;
  customerId: string;
  at: number;
  rnd: () => number;
  /** A purchase's amount; drawn when absent. */
  amount?: number;
}

/** One event as a producer would send it: the catalogue's example of its type, made specific. */
function journeyEvent({ type, customerId, at, rnd, amount }: Draft, complaintId?: string) {
  const example = touchpointExample(type);
  const data = { ...(example.data as Record<string, unknown>) };
  for (const key of FREE_TEXT) delete data[key];
  switch (type) {
    case 'purchase':
      Object.assign(data, {
        orderId: `SO-${randomUUID().slice(0, 12)}`,
        amount: amount ?? Math.round((10 + 190 * rnd() ** 2) * 100) / 100,
      });
      delete data.items;
      break;
    case 'refund':
      Object.assign(data, { amount: Math.round((5 + 40 * rnd()) * 100) / 100 });
      delete data.items;
      delete data.reason; // free text too
      break;
    case 'survey.nps':
      data.score = Math.min(10, Math.floor(11 * rnd() ** 0.6));
      break;
    case 'survey.csat':
      data.score = 1 + Math.min(4, Math.floor(5 * rnd() ** 0.7));
      break;
    case 'survey.ces':
      data.score = 1 + Math.min(6, Math.floor(7 * rnd()));
      break;
    case 'complaint.opened':
    case 'complaint.resolved':
      data.complaintId = complaintId;
      break;
  }
  const event = {
    ...example,
    eventId: randomUUID(),
    customerId,
    occurredAt: new Date(at).toISOString(),
    data,
    metadata: { source: 'bench' },
  } as Parameters<typeof toEventToAppend>[0];
  if (type === 'enquiry' || type === 'service.contact' || type === 'complaint.opened')
    (event as { sentiment?: number }).sentiment = Math.round((rnd() * 2 - 1) * 100) / 100;
  else delete (event as { sentiment?: number }).sentiment;
  return event;
}

const customerId = (i: number) => `bench-c-${String(i).padStart(7, '0')}`;

const NON_PURCHASES = MIX.filter(([type]) => type !== 'purchase');
const NON_PURCHASE_TOTAL = NON_PURCHASES.reduce((sum, [, w]) => sum + w, 0);

/** Gamma(shape, scale) by Marsaglia–Tsang (shape < 1 boosted). */
function gamma(rnd: () => number, shape: number, scale: number): number {
  if (shape < 1) return gamma(rnd, shape + 1, scale) * rnd() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const u1 = rnd() || 1e-12;
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rnd());
    const v = (1 + c * normal) ** 3;
    if (v > 0 && Math.log(rnd() || 1e-12) < 0.5 * normal ** 2 + d - d * v + d * Math.log(v))
      return d * v * scale;
  }
}

/**
 * One customer's history between birth (up to two years ago) and now: purchases drawn from the
 * BG/NBD story (rate λ ~ Gamma(0.6, 1/45 per day), dropout after each repeat with p ~
 * Beta(1, 3)) and order values from the Gamma-Gamma story (ν ~ Gamma(4, rate 15), values ~
 * Gamma(6, rate ν): 30 on average), so that the refit meets a population like a real one (a
 * degenerate one says nothing about real runs); then `count` − purchases other touchpoints
 * (complaint resolutions extra) spread over the same span.
 */
function history(index: number, count: number, now: number): ReturnType<typeof journeyEvent>[] {
  const rnd = random(index * 7919 + 17);
  const id = customerId(index);
  const birth = now - 720 * DAY * rnd();
  const events: ReturnType<typeof journeyEvent>[] = [];
  const lambda = gamma(rnd, 0.6, 1 / 45);
  const x = gamma(rnd, 1, 1);
  const p = x / (x + gamma(rnd, 3, 1));
  const nu = gamma(rnd, 4, 1 / 15);
  for (let at = birth; at <= now; at += (-Math.log(1 - rnd()) / lambda) * DAY) {
    const amount = Math.max(0.01, Math.round(gamma(rnd, 6, 1 / nu) * 100) / 100);
    events.push(journeyEvent({ type: 'purchase', customerId: id, at, rnd, amount }));
    if (at > birth && rnd() < p) break;
  }
  for (let k = events.length; k < count; k++) {
    let pick = rnd() * NON_PURCHASE_TOTAL;
    const type = NON_PURCHASES.find(([, w]) => (pick -= w) < 0)?.[0] ?? 'browse';
    const at = birth + (now - birth) * rnd();
    if (type === 'complaint.opened') {
      const complaintId = `CMP-${index}-${k}`;
      events.push(journeyEvent({ type, customerId: id, at, rnd }, complaintId));
      if (rnd() < 0.7) {
        const resolvedAt = Math.min(now, at + 3 * DAY * rnd());
        events.push(
          journeyEvent(
            { type: 'complaint.resolved', customerId: id, at: resolvedAt, rnd },
            complaintId,
          ),
        );
      }
    } else {
      events.push(journeyEvent({ type, customerId: id, at, rnd }));
    }
  }
  return events.sort((p, q) => (p.occurredAt < q.occurredAt ? -1 : 1));
}

const parts = (events: ReturnType<typeof journeyEvent>[]): StreamAppend[] => {
  const byStream = new Map<string, StreamAppend>();
  for (const e of events) {
    const { streamId, event } = toEventToAppend(e);
    const part = byStream.get(streamId);
    if (part) part.events.push(event);
    else byStream.set(streamId, { streamId, events: [event], expectedRevision: 'any' });
  }
  return [...byStream.values()];
};

async function load(store: EventStore, options: Options, now: number) {
  const mean = options.touchpoints / options.customers;
  const started = performance.now();
  let events = 0;
  let last = '';
  let lastReport = started;
  const CUSTOMERS_PER_APPEND = 250;
  for (let from = 0; from < options.customers; from += CUSTOMERS_PER_APPEND) {
    const batch: ReturnType<typeof journeyEvent>[] = [];
    for (let i = from; i < Math.min(options.customers, from + CUSTOMERS_PER_APPEND); i++) {
      // 1 to 2·mean − 1 touchpoints, mean `mean`.
      const count = 1 + Math.floor(random(i + 1)() * Math.max(1, 2 * mean - 1));
      batch.push(...history(i, count, now));
    }
    if (from === 0) {
      // The projections dead-letter what the catalogue refuses: fail here instead, loudly.
      for (const e of batch) {
        const checked = validateJourneyEvent(e);
        if (!checked.ok)
          throw new Error(`generated ${e.type} is invalid: ${JSON.stringify(checked.errors)}`);
      }
    }
    const results = await store.appendToStreams(parts(batch));
    const tail = results[results.length - 1]!;
    last = tail.events[tail.events.length - 1]!.position;
    events += batch.length;
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      log(
        `loaded ${events.toLocaleString('en')} events (${from + CUSTOMERS_PER_APPEND} customers)`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    events,
    lastPosition: last,
    seconds: round(seconds),
    eventsPerSecond: Math.round(events / seconds),
  };
}

async function catchUp(engine: ProjectionEngine, position: string) {
  const names = READ_MODEL_PROJECTIONS.map((p) => p.name);
  const started = performance.now();
  for (;;) {
    const result = await engine.waitForPosition(names, position, 10_000);
    if (result.reached) break;
    const status = await engine.status();
    log(
      `projections catching up: ${status
        .filter((s) => names.includes(s.name))
        .map((s) => `${s.name} ${s.lagEvents.toLocaleString('en')} behind`)
        .join(', ')}`,
    );
    if (status.some((s) => names.includes(s.name) && s.state === 'failed'))
      throw new Error('a projection failed: see GET /v1/ops/projections');
  }
  return { seconds: round((performance.now() - started) / 1000) };
}

/** Appends `rate` events a second to random customers, in ticks of 100 ms, until stopped. */
function ingest(store: EventStore, options: Options) {
  const rnd = random(4242);
  let appended = 0;
  let failures = 0;
  let stopped = false;
  const started = performance.now();
  const perTick = Math.max(1, Math.round(options.rate / 10));
  const done = (async () => {
    let tick = 0;
    while (!stopped) {
      const due = started + tick * 100;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      tick++;
      const batch = Array.from({ length: perTick }, () => {
        let pick = rnd() * MIX_TOTAL;
        const type = MIX.find(([, w]) => (pick -= w) < 0)?.[0] ?? 'browse';
        const id = customerId(Math.floor(rnd() * options.customers));
        return journeyEvent(
          { type, customerId: id, at: Date.now(), rnd },
          `CMP-live-${randomUUID()}`,
        );
      });
      try {
        await store.appendToStreams(parts(batch));
        appended += batch.length;
      } catch {
        failures++;
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      const seconds = (performance.now() - started) / 1000;
      return {
        targetPerSecond: options.rate,
        achievedPerSecond: Math.round(appended / seconds),
        failures,
      };
    },
  };
}

async function measure(
  baseUrl: string,
  key: string,
  options: Options,
  name: string,
  path: () => string,
) {
  const latencies = new Latencies(10_000);
  let errors = 0;
  const deadline = performance.now() + options.durationS * 1000;
  const caller = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      const res = await fetch(`${baseUrl}${path()}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      await res.arrayBuffer();
      latencies.record(performance.now() - started);
      if (res.status !== 200) errors++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, caller));
  const s = latencies.summary();
  log(`${name}: p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms (${s.calls} calls, ${errors} errors)`);
  return { calls: s.calls, errors, p50Ms: s.p50Ms, p99Ms: s.p99Ms, maxMs: s.maxMs };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const database = `touchline_bench_analytics_${Date.now()}`;
  const url = new URL(options.serverUrl);
  url.pathname = `/${database}`;
  const admin = new Client({ connectionString: options.serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  log(`database ${database}: ${options.customers} customers, ~${options.touchpoints} touchpoints`);
  const secret = randomBytes(24).toString('hex');
  const config = loadConfig({
    DATABASE_URL: url.toString(),
    TOUCHLINE_API_KEYS: `bench:${secret}:analyst+ops`,
    TOUCHLINE_MASTER_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    TOUCHLINE_RFM_INTERVAL: '0',
    TOUCHLINE_CHURN_REFIT_INTERVAL: '0',
    LOG_LEVEL: 'warn',
  });

  @Module({
    imports: [
      ConfigModule.forRoot(config),
      AuthModule,
      DatabaseModule,
      EventStoreModule,
      ReadModelsModule,
    ],
  })
  class BenchModule {}

  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create(BenchModule, { logger: ['error', 'warn'] });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    const baseUrl = `http://127.0.0.1:${address.port}`;
    const store = app.get<EventStore>(EVENT_STORE);
    const engine = app.get(ProjectionEngine);
    const now = Date.now();

    const loaded = await load(store, options, now);
    log(`loaded ${loaded.events} events in ${loaded.seconds} s; waiting for the projections`);
    const caughtUp = await catchUp(engine, loaded.lastPosition);
    log(`projections caught up ${caughtUp.seconds} s after the load`);

    const rfmStarted = performance.now();
    const rfm = await app.get(RfmSnapshots).recompute({ asOf: new Date() });
    const rfmMs = Math.round(performance.now() - rfmStarted);
    log(`RFM recompute: ${rfmMs} ms for ${rfm!.header.customers} customers`);
    const churnStarted = performance.now();
    const churn = await app.get(ChurnModel).refit({ asOf: new Date() });
    const churnMs = Math.round(performance.now() - churnStarted);
    log(`churn refit: ${churnMs} ms for ${churn!.model.customers} customers`);

    const ingestion = ingest(store, options);
    const rnd = random(99);
    const someone = () => customerId(Math.floor(rnd() * options.customers));
    const today = new Date().toISOString().slice(0, 10);
    const yearAgo = new Date(Date.now() - 364 * DAY).toISOString().slice(0, 10);
    const bands = ['low', 'medium', 'high', 'critical'];
    const queries = {
      profile: await measure(
        baseUrl,
        secret,
        options,
        'profile',
        () => `/v1/customers/${someone()}`,
      ),
      timelinePage: await measure(
        baseUrl,
        secret,
        options,
        'timeline page',
        () => `/v1/customers/${someone()}/timeline?limit=50`,
      ),
      npsTrendWeeklyYear: await measure(
        baseUrl,
        secret,
        options,
        'NPS trend by week for a year',
        () => `/v1/analytics/nps?interval=week&from=${yearAgo}&to=${today}`,
      ),
      churnList: await measure(
        baseUrl,
        secret,
        options,
        'churn list',
        () =>
          `/v1/analytics/churn?limit=50${rnd() < 0.5 ? '' : `&band=${bands[Math.floor(rnd() * 4)]}`}`,
      ),
      customersByValueAtRisk: await measure(
        baseUrl,
        secret,
        options,
        'customers by value at risk',
        () => `/v1/customers?sort=-valueAtRisk&limit=50`,
      ),
    };
    const ingested = await ingestion.stop();

    const targets = {
      profileP99Under20Ms: queries.profile.p99Ms < 20,
      timelineP99Under20Ms: queries.timelinePage.p99Ms < 20,
      npsTrendP99Under100Ms: queries.npsTrendWeeklyYear.p99Ms < 100,
      churnListP99Under100Ms: queries.churnList.p99Ms < 100,
      rfmRecomputeUnder10S: rfmMs < 10_000,
      refitUnder30S: churnMs < 30_000,
    };
    const result = {
      options: { ...options, serverUrl: undefined },
      machine: { cores: availableParallelism(), loadavg: loadavg().map(round) },
      load: loaded,
      projectionsCaughtUpAfterS: caughtUp.seconds,
      rfmRecompute: { ms: rfmMs, customers: rfm!.header.customers },
      churnRefit: {
        ms: churnMs,
        customers: churn!.model.customers,
        repeatCustomers: churn!.model.gammaGamma?.customers ?? 0,
        params: churn!.model.bgnbd.params,
      },
      ingestionDuringQueries: ingested,
      queries,
      targets,
    };
    const json = JSON.stringify(result, null, 2);
    process.stdout.write(`${json}\n`);
    if (options.out) writeFileSync(options.out, json);
  } finally {
    await app?.close();
    if (options.keep) log(`kept database ${database}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
