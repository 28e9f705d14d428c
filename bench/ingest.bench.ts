/**
 * Ingestion benchmark: the running service over HTTP against the event store called directly, in
 * the same run, on the PostgreSQL server at DATABASE_URL. See docs/benchmarks.md.
 *
 *   npm run bench:ingest                    full run: JSON on stdout, progress on stderr
 *   npm run bench:ingest -- --quick         a short run (smoke test)
 *   npm run bench:ingest -- --duration 30   seconds per scenario
 *   npm run bench:ingest -- --log-level warn --out result.json
 *   npm run bench:ingest -- --append-batch-set enable_seqscan=off   an experiment on the store
 *     (ALTER FUNCTION touchline.append_batch SET ..., in both of the run's databases; see the
 *     event store section of docs/benchmarks.md): never part of the baseline figures
 *   npm run bench:ingest -- --service-env TOUCHLINE_RUN_PROJECTIONS=false   extra environment for
 *     the service (repeatable), e.g. to see what the in-process projections cost: an experiment
 *
 * Three scenarios, each run twice back to back on fresh databases (dropped afterwards):
 *  - single touchpoints, POST /v1/touchpoints from 64 connections;
 *  - batches of 500, POST /v1/touchpoints/batch from 4 connections;
 *  - Segment batches of 100 track calls, POST /v1/batch from 16 connections (if the service has it).
 * First over HTTP: the service started the way a user does (`node scripts/start.js`, which
 * builds first when the build is stale) with one ingest key, driven by autocannon, every request
 * with fresh event ids; then stopped, and every event it acknowledged (2xx) looked up in the
 * store. Then the same events, with the same concurrency, appended straight through
 * PostgresEventStore the way the command handler does: the HTTP cost shows as the ratio.
 * The single scenario also measures GET /health/live: what the HTTP stack alone can do here.
 * The machine's load and who used its cores are part of the output: on a shared machine the
 * figures mean little without them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { openDatabase } from '@touchline/database';
import { PostgresEventStore, type EventToAppend, type StreamAppend } from '@touchline/event-store';
import { toEventToAppend, touchpointExample, type Touchpoint } from '@touchline/touchpoints';

const ROOT = resolve(__dirname, '..');

interface Options {
  databaseUrl: string;
  durationS: number;
  warmupS: number;
  connections: number;
  batchConnections: number;
  batchSize: number;
  segmentConnections: number;
  segmentBatchSize: number;
  customers: number;
  logLevel: string;
  appendBatchSet: { name: string; value: string } | undefined;
  /** Extra environment for the service (`--service-env NAME=value`, repeatable): experiments. */
  serviceEnv: Record<string, string>;
  out: string | undefined;
}

function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    durationS: Number(value('--duration') ?? (quick ? 5 : 20)),
    warmupS: quick ? 2 : 5,
    connections: Number(value('--connections') ?? 64),
    batchConnections: Number(value('--batch-connections') ?? 4),
    batchSize: Number(value('--batch-size') ?? 500),
    segmentConnections: Number(value('--segment-connections') ?? 16),
    segmentBatchSize: Number(value('--segment-batch-size') ?? 100),
    customers: 10_000,
    logLevel: value('--log-level') ?? 'info',
    appendBatchSet: parseSetting(value('--append-batch-set')),
    serviceEnv: parseServiceEnv(argv),
    out: value('--out'),
  };
}

function parseServiceEnv(argv: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  argv.forEach((arg, i) => {
    if (arg !== '--service-env') return;
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(argv[i + 1] ?? '');
    if (!match) throw new Error(`--service-env takes NAME=value, got "${argv[i + 1]}"`);
    env[match[1]!] = match[2]!;
  });
  return env;
}

function parseSetting(raw: string | undefined): Options['appendBatchSet'] {
  if (raw === undefined) return undefined;
  const match = /^([a-z_]+)=([A-Za-z0-9_.]+)$/.exec(raw);
  if (!match) throw new Error(`--append-batch-set takes name=value, got "${raw}"`);
  return { name: match[1]!, value: match[2]! };
}

/** The experiment of --append-batch-set, before the first append plans the function's statements. */
async function tuneAppendBatch(url: string, setting: Options['appendBatchSet']): Promise<void> {
  if (!setting) return;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `ALTER FUNCTION touchline.append_batch SET ${setting.name} = '${setting.value}'`,
    );
  } finally {
    await client.end();
  }
}

const log = (message: string) => process.stderr.write(`[bench:ingest] ${message}\n`);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------------------------------------
// Touchpoints: the catalogue's own examples (purchase, NPS, browse, complaint), each sent with a
// fresh event id, a customer drawn from a fixed population and a recent occurredAt. They are
// serialised once as templates, so generating a body costs a uuid and a string replace.

const TYPES = ['purchase', 'survey.nps', 'browse', 'complaint.opened'] as const;
const EVENT_ID = '00000000-0000-4000-8000-00000000e1d0';
const CUSTOMER = 'c-bench-customer-placeholder';

function templates(): string[] {
  const occurredAt = new Date(Date.now() - 3_600_000).toISOString();
  return TYPES.map((type) => {
    const example = touchpointExample(type) as unknown as Record<string, unknown>;
    delete example.anonymousId;
    return JSON.stringify({ ...example, eventId: EVENT_ID, customerId: CUSTOMER, occurredAt });
  });
}

/** A request body and the event ids it carries. */
interface Body {
  json: string;
  ids: string[];
}

function touchpointSource(customers: number): () => { json: string; id: string } {
  const all = templates();
  let n = 0;
  return () => {
    const template = all[n++ % all.length]!;
    const customer = `c-${Math.floor(Math.random() * customers)}`;
    const id = randomUUID();
    return { json: template.replace(EVENT_ID, id).replace(CUSTOMER, customer), id };
  };
}

function singleBodies(customers: number): () => Body {
  const next = touchpointSource(customers);
  return () => {
    const { json, id } = next();
    return { json, ids: [id] };
  };
}

function batchBodies(customers: number, size: number): () => Body {
  const next = touchpointSource(customers);
  return () => {
    const items: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < size; i++) {
      const { json, id } = next();
      items.push(json);
      ids.push(id);
    }
    return { json: `{"touchpoints":[${items.join(',')}]}`, ids };
  };
}

/**
 * Segment batches as analytics-node sends them: track calls from Segment's e-commerce spec
 * (Order Completed → purchase) and an unmapped name (→ custom), messageId a uuid (so it is the
 * event id), with sentAt for the clock-skew correction.
 */
function segmentBodies(customers: number, size: number): () => Body {
  return () => {
    const now = new Date().toISOString();
    const calls: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < size; i++) {
      const id = randomUUID();
      const userId = `c-${Math.floor(Math.random() * customers)}`;
      const call =
        i % 2 === 0
          ? {
              type: 'track',
              event: 'Order Completed',
              properties: { order_id: `SO-${id.slice(0, 8)}`, total: 84.97, currency: 'EUR' },
            }
          : { type: 'track', event: 'Wishlist Shared', properties: { list: 'summer', size: 3 } };
      calls.push(
        JSON.stringify({
          ...call,
          messageId: id,
          userId,
          timestamp: now,
          context: { library: { name: 'analytics-node', version: '3.1.0' } },
        }),
      );
      ids.push(id);
    }
    return { json: `{"batch":[${calls.join(',')}],"sentAt":"${now}"}`, ids };
  };
}

// ---------------------------------------------------------------------------------------------
// CPU accounting from /proc (Linux): who used the machine's cores during a scenario.

interface CpuSnapshot {
  at: number;
  service: number;
  bench: number;
  /** Ticks of each postgres process, so that one ending meanwhile does not count negative. */
  postgres: Map<string, number>;
  machine: number;
}

const TICKS = 100; // USER_HZ

function ticksOf(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}

function postgresTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres')
        ticks.set(pid, ticksOf(pid));
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

/** CPU of the postgres processes alive at the end (backends that ended meanwhile are lost). */
function postgresDelta(before: Map<string, number>, after: Map<string, number>): number {
  let total = 0;
  for (const [pid, ticks] of after) total += Math.max(0, ticks - (before.get(pid) ?? 0));
  return total;
}

function machineBusyTicks(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.split(/\s+/).slice(1);
  const [user, nice, system, , , irq, softirq, steal] = cpu.map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}

function cpuSnapshot(servicePid: number | undefined): CpuSnapshot | null {
  if (process.platform !== 'linux') return null;
  return {
    at: performance.now(),
    service: servicePid === undefined ? 0 : ticksOf(servicePid),
    bench: ticksOf(process.pid),
    postgres: postgresTicks(),
    machine: machineBusyTicks(),
  };
}

/** Cores busy on average during the interval, per party. */
function coresUsed(a: CpuSnapshot | null, b: CpuSnapshot | null) {
  if (!a || !b) return null;
  const seconds = (b.at - a.at) / 1000;
  const cores = (ticks: number) => round(ticks / TICKS / seconds, 2);
  return {
    service: cores(b.service - a.service),
    benchAndLoadGenerator: cores(b.bench - a.bench),
    postgres: cores(postgresDelta(a.postgres, b.postgres)),
    wholeMachine: cores(b.machine - a.machine),
    coresAvailable: availableParallelism(),
  };
}

// ---------------------------------------------------------------------------------------------
// Databases and the service process.

async function createDatabase(serverUrl: string, label: string): Promise<string> {
  const name = `touchline_bench_ingest_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(serverUrl: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function serverSettings(url: string): Promise<Record<string, string>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings
        WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'max_connections')`,
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
  } finally {
    await client.end();
  }
}

/** How many of these event ids the store holds, and how many events it holds in all. */
async function storedEvents(url: string, ids: string[]): Promise<{ of: number; all: number }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ of: string; all: string }>(
      `SELECT (SELECT count(*) FROM touchline.events WHERE event_id = ANY($1::uuid[])) AS of,
              (SELECT count(*) FROM touchline.events) AS all`,
      [ids],
    );
    return { of: Number(rows[0]!.of), all: Number(rows[0]!.all) };
  } finally {
    await client.end();
  }
}

interface Service {
  child: ChildProcess;
  baseUrl: string;
  logFile: string;
  stop(): Promise<number | string>;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/**
 * `node scripts/start.js`, its output to a file (reading it through a pipe would charge the
 * service's request logs to this process's CPU), ready when /health/ready answers 200.
 */
async function startService(env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const logFile = join(tmpdir(), `touchline-bench-ingest-${process.pid}.log`);
  const fd = openSync(logFile, 'w');
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG'])
    if (process.env[key]) base[key] = process.env[key]!;
  const child = spawn(process.execPath, ['scripts/start.js'], {
    cwd: ROOT,
    env: { ...base, ...env, PORT: String(port) },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | string>((ok) =>
    child.on('exit', (code, signal) => ok(code ?? signal ?? 'unknown')),
  );
  let gone: number | string | undefined;
  void exited.then((code) => (gone = code));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (gone !== undefined)
      throw new Error(`the service exited (${gone}) before it was ready; see ${logFile}`);
    if (Date.now() > deadline)
      throw new Error(`the service was not ready in 300 s; see ${logFile}`);
    try {
      if ((await fetch(`${baseUrl}/health/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    child,
    baseUrl,
    logFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

interface HttpFigures {
  route: string;
  connections: number;
  eventsPerRequest: number;
  durationS: number;
  requests: number;
  accepted: number;
  rejected: number;
  errors: number;
  eventsPerSecond: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  cpuCores: ReturnType<typeof coresUsed>;
  /** CPU time the service spent per acknowledged event (µs): what contention cannot inflate much. */
  serviceCpuUsPerEvent: number | null;
}

async function drive(
  service: Service,
  options: {
    route: string;
    method?: 'GET' | 'POST';
    connections: number;
    durationS: number;
    eventsPerRequest: number;
    headers: Record<string, string>;
    body: () => Body;
    /** Receives the event ids of every 2xx. */
    acknowledged: string[];
  },
): Promise<HttpFigures> {
  const before = cpuSnapshot(service.child.pid);
  const result = await autocannon({
    url: service.baseUrl + options.route,
    method: options.method ?? 'POST',
    connections: options.connections,
    duration: options.durationS,
    timeout: 30,
    headers: { 'content-type': 'application/json', ...options.headers },
    requests: [
      {
        // autocannon hands the same context to a request's setup and to its response.
        setupRequest: (request, context) => {
          if (options.method === 'GET') return request;
          const body = options.body();
          (context as { ids?: string[] }).ids = body.ids;
          return { ...request, body: body.json };
        },
        onResponse: (status, _body, context) => {
          if (status >= 200 && status < 300)
            options.acknowledged.push(...((context as { ids?: string[] }).ids ?? []));
        },
      },
    ],
  });
  const after = cpuSnapshot(service.child.pid);
  const accepted = result['2xx'];
  const events = accepted * options.eventsPerRequest;
  return {
    route: options.route,
    connections: options.connections,
    eventsPerRequest: options.eventsPerRequest,
    durationS: result.duration,
    requests: result.requests.total,
    accepted,
    rejected: result.non2xx,
    errors: result.errors,
    eventsPerSecond: Math.round(events / result.duration),
    requestsPerSecond: Math.round(accepted / result.duration),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    cpuCores: coresUsed(before, after),
    serviceCpuUsPerEvent:
      before && after && events > 0
        ? round(((after.service - before.service) / TICKS / events) * 1e6, 0)
        : null,
  };
}

interface DirectFigures {
  callers: number;
  eventsPerCall: number;
  durationS: number;
  calls: number;
  events: number;
  eventsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  cpuCores: ReturnType<typeof coresUsed>;
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!, 2);
}

/** Callers in closed loops for the duration, each awaiting its append before the next. */
async function appendDirectly(
  callers: number,
  durationS: number,
  eventsPerCall: number,
  append: () => Promise<void>,
): Promise<DirectFigures> {
  const latencies: number[] = [];
  const before = cpuSnapshot(undefined);
  const started = performance.now();
  const end = started + durationS * 1000;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await append();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  const after = cpuSnapshot(undefined);
  const sorted = Float64Array.from(latencies).sort();
  return {
    callers,
    eventsPerCall,
    durationS: round(elapsedS, 2),
    calls: latencies.length,
    events: latencies.length * eventsPerCall,
    eventsPerSecond: Math.round((latencies.length * eventsPerCall) / elapsedS),
    latencyMs: {
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      max: percentile(sorted, 1),
    },
    cpuCores: coresUsed(before, after),
  };
}

/** What the command handler does with a touchpoint: the store's shape, the customer's stream. */
function eventSource(customers: number): () => { streamId: string; event: EventToAppend } {
  const next = touchpointSource(customers);
  return () => toEventToAppend(JSON.parse(next().json) as Touchpoint);
}

/** A batch as the command handler appends it: one part per stream, all or nothing. */
function batchAppends(events: { streamId: string; event: EventToAppend }[]): StreamAppend[] {
  const parts = new Map<string, EventToAppend[]>();
  for (const { streamId, event } of events) {
    const part = parts.get(streamId) ?? [];
    part.push(event);
    parts.set(streamId, part);
  }
  return [...parts].map(([streamId, partEvents]) => ({
    streamId,
    events: partEvents,
    expectedRevision: 'any',
  }));
}

// ---------------------------------------------------------------------------------------------

type Scenario = 'single' | 'batch' | 'segment';

interface ScenarioResult {
  http: HttpFigures | { status: string };
  direct: DirectFigures | null;
  baseline?: HttpFigures;
  integrity?: {
    acknowledgedEvents: number;
    acknowledgedAndStored: number;
    storedInAll: number;
    everyAcknowledgedEventStored: boolean;
    serviceExit: number | string;
  };
}

/**
 * One scenario: the service on a fresh database, warmed up, driven, stopped and checked; then
 * the same scenario straight through the store on another fresh database. Fresh databases
 * because an append's cost depends on how much the store holds; the pair back to back because
 * this machine's load changes from one minute to the next.
 */
async function runScenario(
  scenario: Scenario,
  options: Options,
  track: (url: string) => void,
): Promise<ScenarioResult> {
  const serverUrl = options.databaseUrl;
  const secret = `bench-${randomBytes(16).toString('hex')}`;
  const bearer = { authorization: `Bearer ${secret}` };
  const basic = { authorization: `Basic ${Buffer.from(`${secret}:`).toString('base64')}` };
  const shape = {
    single: {
      route: '/v1/touchpoints',
      connections: options.connections,
      eventsPerRequest: 1,
      headers: bearer,
      body: singleBodies(options.customers),
    },
    batch: {
      route: '/v1/touchpoints/batch',
      connections: options.batchConnections,
      eventsPerRequest: options.batchSize,
      headers: bearer,
      body: batchBodies(options.customers, options.batchSize),
    },
    segment: {
      route: '/v1/batch',
      connections: options.segmentConnections,
      eventsPerRequest: options.segmentBatchSize,
      headers: basic,
      body: segmentBodies(options.customers, options.segmentBatchSize),
    },
  }[scenario];
  const result: ScenarioResult = { http: { status: 'not run' }, direct: null };

  const httpUrl = await createDatabase(serverUrl, `${scenario}_http`);
  track(httpUrl);
  log(`${scenario}: starting the service (LOG_LEVEL=${options.logLevel}) on a fresh database`);
  const service = await startService({
    DATABASE_URL: httpUrl,
    TOUCHLINE_API_KEYS: `bench:${secret}:ingest`,
    // Personal fields are encrypted per customer under this master key (docs/privacy.md).
    TOUCHLINE_MASTER_KEYS: `bench-mk:${randomBytes(32).toString('base64')}`,
    LOG_LEVEL: options.logLevel,
    ...options.serviceEnv,
  });
  const acknowledged: string[] = [];
  try {
    await tuneAppendBatch(httpUrl, options.appendBatchSet);
    const probe = shape.body();
    const answer = await fetch(service.baseUrl + shape.route, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...shape.headers },
      body: probe.json,
    });
    if (!answer.ok) {
      const why = (await answer.text()).slice(0, 500);
      result.http = {
        status:
          answer.status === 404
            ? `not yet: the service has no POST ${shape.route}`
            : `POST ${shape.route} refused the benchmark's request: ${answer.status} ${why}`,
      };
      log(`${scenario}: ${result.http.status}`);
      return result;
    }
    acknowledged.push(...probe.ids);
    if (scenario === 'single') {
      // The same stack (Nest, Express, pino-http) with no body, no auth, no validation and no
      // store: the ceiling any route of this process stays under on this machine.
      log(`baseline: GET /health/live, ${options.connections} connections`);
      result.baseline = await drive(service, {
        route: '/health/live',
        method: 'GET',
        connections: options.connections,
        durationS: Math.min(options.durationS, 10),
        eventsPerRequest: 0,
        headers: {},
        body: () => ({ json: '', ids: [] }),
        acknowledged: [],
      });
      log(
        `  ${result.baseline.requestsPerSecond} requests/s, p99 ${result.baseline.latencyMs.p99} ms`,
      );
    }
    log(`${scenario}: warming up for ${options.warmupS} s`);
    await drive(service, { ...shape, durationS: options.warmupS, acknowledged });
    log(`${scenario}: ${shape.connections} connections, ${options.durationS} s, ${shape.route}`);
    const figures = await drive(service, { ...shape, durationS: options.durationS, acknowledged });
    result.http = figures;
    log(`  HTTP: ${figures.eventsPerSecond} events/s, p99 ${figures.latencyMs.p99} ms`);
  } finally {
    const exit = await service.stop();
    // Requests in flight when autocannon stopped may be stored unacknowledged: what matters is
    // that every acknowledged event is there.
    const stored = await storedEvents(httpUrl, acknowledged);
    result.integrity = {
      acknowledgedEvents: acknowledged.length,
      acknowledgedAndStored: stored.of,
      storedInAll: stored.all,
      everyAcknowledgedEventStored: stored.of === acknowledged.length,
      serviceExit: exit,
    };
    await dropDatabase(serverUrl, httpUrl);
  }

  const directUrl = await createDatabase(serverUrl, `${scenario}_direct`);
  track(directUrl);
  const db = await openDatabase({ databaseUrl: directUrl });
  try {
    await PostgresEventStore.migrate(db.pool);
    await tuneAppendBatch(directUrl, options.appendBatchSet);
    const store = new PostgresEventStore(db.pool);
    const next = eventSource(options.customers);
    const size = shape.eventsPerRequest;
    const append =
      size === 1
        ? async () => {
            const { streamId, event } = next();
            await store.appendToStream(streamId, [event], 'any');
          }
        : async () => {
            await store.appendToStreams(batchAppends(Array.from({ length: size }, next)));
          };
    await appendDirectly(shape.connections, options.warmupS, size, append);
    result.direct = await appendDirectly(shape.connections, options.durationS, size, append);
    log(
      `  direct: ${result.direct.eventsPerSecond} events/s, p99 ${result.direct.latencyMs.p99} ms`,
    );
    await store.close();
  } finally {
    await db.close();
    await dropDatabase(serverUrl, directUrl);
  }
  return result;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const created = new Set<string>();
  try {
    const settings = await serverSettings(options.databaseUrl);
    const loadBefore = loadavg().map((l) => round(l, 2));
    const single = await runScenario('single', options, (url) => created.add(url));
    const batch = await runScenario('batch', options, (url) => created.add(url));
    const segment = await runScenario('segment', options, (url) => created.add(url));

    const rate = (r: ScenarioResult) => ('eventsPerSecond' in r.http ? r.http : null);
    const ratio = (r: ScenarioResult) => {
      const http = rate(r);
      return http && r.direct ? round(http.eventsPerSecond / r.direct.eventsPerSecond, 2) : null;
    };
    const httpSingle = rate(single);
    const httpBatch = rate(batch);
    const integrity = {
      single: single.integrity,
      batch: batch.integrity,
      segment: segment.integrity,
    };
    const result = {
      benchmark: 'bench:ingest',
      at: new Date().toISOString(),
      machine: {
        cores: availableParallelism(),
        node: process.version,
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadavg().map((l) => round(l, 2)),
        postgres: settings,
      },
      settings: {
        durationS: options.durationS,
        warmupS: options.warmupS,
        connections: options.connections,
        batchConnections: options.batchConnections,
        batchSize: options.batchSize,
        segmentConnections: options.segmentConnections,
        segmentBatchSize: options.segmentBatchSize,
        customers: options.customers,
        serviceLogLevel: options.logLevel,
        appendBatchSet: options.appendBatchSet
          ? `${options.appendBatchSet.name}=${options.appendBatchSet.value} (experiment)`
          : 'as shipped',
        serviceEnv: options.serviceEnv,
        types: TYPES,
      },
      http: {
        baseline: single.baseline,
        single: single.http,
        batch: batch.http,
        segment: segment.http,
      },
      direct: { single: single.direct, batch: batch.direct, segment: segment.direct },
      ratioHttpToDirect: { single: ratio(single), batch: ratio(batch), segment: ratio(segment) },
      targets: {
        single: {
          target: '>= 5,000 events/s with p99 < 50 ms',
          met: !!httpSingle && httpSingle.eventsPerSecond >= 5_000 && httpSingle.latencyMs.p99 < 50,
        },
        batch: {
          target: '>= 30,000 events/s',
          met: !!httpBatch && httpBatch.eventsPerSecond >= 30_000,
        },
      },
      integrity,
    };
    const json = JSON.stringify(result, null, 2);
    process.stdout.write(`${json}\n`);
    if (options.out) writeFileSync(options.out, `${json}\n`);
    for (const [scenario, check] of Object.entries(integrity)) {
      if (check && !check.everyAcknowledgedEventStored) {
        log(
          `${scenario}: only ${check.acknowledgedAndStored} of the ${check.acknowledgedEvents} acknowledged events are in the store`,
        );
        process.exitCode = 1;
      }
    }
  } finally {
    // Normally dropped as each scenario ends; this catches a run that failed halfway.
    for (const url of created) await dropDatabase(options.databaseUrl, url).catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
