/**
 * Event store benchmark: touchline's PostgreSQL store against Emmett's PostgreSQL store and a raw
 * COPY of equivalent rows, on the PostgreSQL server at DATABASE_URL. See docs/benchmarks.md.
 *
 *   npm run bench:store                       full run, JSON on stdout, progress on stderr
 *   npm run bench:store -- --quick            a short run (smoke test)
 *   npm run bench:store -- --events 20000     events per scenario (both scenarios)
 *   npm run bench:store -- --systems touchline --scenarios a --max-in-flight 4 --max-batch-events 2000
 *   npm run bench:store -- --out result.json  also write the JSON to a file
 *   npm run bench:store -- --append-batch-set enable_seqscan=off   an experiment on touchline.append_batch
 *
 * Every (scenario, system) pair runs in a child process of its own, on a fresh database that is
 * dropped afterwards: a clean heap for the RSS figure, no shared connection pools, and no global
 * node-pg settings leaking from one library into another.
 */
import { execFileSync, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { Client } from 'pg';
import { Latencies, cpuMeter, round, rssSampler, type CpuSplit } from './lib/measure';
import { openSystem, type TouchlineTuning, type SystemName } from './lib/systems';
import { touchpointSource } from './lib/touchpoints';

type ScenarioName = 'a' | 'b';

interface Scenario {
  name: ScenarioName;
  description: string;
  eventsPerCall: number;
  concurrency: number;
  streams: number;
  systems: SystemName[];
}

const SCENARIOS: Record<ScenarioName, Scenario> = {
  a: {
    name: 'a',
    description: 'one event per append, 16 concurrent callers, 5,000 streams',
    eventsPerCall: 1,
    concurrency: 16,
    streams: 5_000,
    systems: ['touchline', 'emmett'],
  },
  b: {
    name: 'b',
    description:
      'batches of 100 events per append (one stream each), 4 concurrent callers, 5,000 streams',
    eventsPerCall: 100,
    concurrency: 4,
    streams: 5_000,
    systems: ['touchline', 'emmett', 'copy'],
  },
};

/** Events per scenario: each system runs for seconds, not milliseconds, on this class of machine. */
const DEFAULT_EVENTS: Record<ScenarioName, number> = { a: 50_000, b: 300_000 };
const QUICK_EVENTS: Record<ScenarioName, number> = { a: 4_000, b: 20_000 };

interface Task {
  scenario: ScenarioName;
  system: SystemName;
  url: string;
  events: number;
  tuning: TouchlineTuning;
}

interface RunResult {
  system: SystemName;
  scenario: ScenarioName;
  events: number;
  calls: number;
  durationS: number;
  eventsPerSec: number;
  latencyMs: { p50: number; p99: number; max: number; mean: number };
  peakRssMb: number;
  /** RSS when the timed part began (node, ts-node and the libraries loaded, pool connected). */
  startRssMb: number;
  cpu: CpuSplit | null;
  /**
   * CPU time per event of this process and of its own PostgreSQL backends: the figure that the
   * other work on a shared machine disturbs least.
   */
  cpuMsPerEvent: { node: number; postgres: number } | null;
  storedEvents: number;
  details: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Worker: one scenario on one system.
// ---------------------------------------------------------------------------------------------

async function runTask(task: Task): Promise<RunResult> {
  const scenario = SCENARIOS[task.scenario];
  const calls = Math.ceil(task.events / scenario.eventsPerCall);
  const source = touchpointSource();
  const system = await openSystem(task.system, task.url, task.tuning);
  const monitor = new Client({ connectionString: task.url });
  await monitor.connect();
  const latencies = new Latencies(calls);
  let next = 0;
  let failure: unknown = null;

  const caller = async (): Promise<void> => {
    while (next < calls && failure === null) {
      const call = next++;
      // Consecutive calls go to different streams: callers never race on one stream.
      const streamId = `customer-${call % scenario.streams}`;
      const events = Array.from({ length: scenario.eventsPerCall }, (_, k) =>
        source.event(call * scenario.eventsPerCall + k),
      );
      const started = performance.now();
      try {
        await system.append(streamId, events);
      } catch (error) {
        failure = error;
        return;
      }
      latencies.record(performance.now() - started);
    }
  };

  const rss = rssSampler(50);
  const cpu = cpuMeter();
  const started = performance.now();
  await Promise.all(Array.from({ length: scenario.concurrency }, () => caller()));
  const durationS = (performance.now() - started) / 1000;
  const cpuAt = cpu.stop();
  const memory = rss.stop();
  if (failure !== null) throw failure;

  const { rows } = await monitor.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  const storedEvents = await system.storedEvents();
  const details = system.details();
  await monitor.end();
  await system.close();
  const latency = latencies.summary();
  const events = calls * scenario.eventsPerCall;
  const cpuSplit = cpuAt(rows.map((r) => r.pid));
  return {
    system: task.system,
    scenario: task.scenario,
    events,
    calls,
    durationS: round(durationS),
    eventsPerSec: Math.round(events / durationS),
    latencyMs: { p50: latency.p50Ms, p99: latency.p99Ms, max: latency.maxMs, mean: latency.meanMs },
    peakRssMb: memory.peakMb,
    startRssMb: memory.startMb,
    cpu: cpuSplit,
    cpuMsPerEvent: cpuSplit && {
      node: round((cpuSplit.nodeCpuS * 1000) / events, 3),
      postgres: round((cpuSplit.postgresOwnBackendsCpuS * 1000) / events, 3),
    },
    storedEvents,
    details,
  };
}

// ---------------------------------------------------------------------------------------------
// Orchestrator.
// ---------------------------------------------------------------------------------------------

interface Options {
  events: Record<ScenarioName, number>;
  scenarios: ScenarioName[];
  systems: SystemName[];
  tuning: TouchlineTuning;
  out: string | null;
  quick: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    events: { ...DEFAULT_EVENTS },
    scenarios: ['a', 'b'],
    systems: ['touchline', 'emmett', 'copy'],
    tuning: {},
    out: null,
    quick: false,
  };
  const value = (i: number): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${argv[i]} needs a value`);
    return v;
  };
  const positive = (i: number): number => {
    const n = Number(value(i));
    if (!Number.isInteger(n) || n < 1) throw new Error(`${argv[i]} must be a positive integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--quick':
        options.quick = true;
        options.events = { ...QUICK_EVENTS };
        break;
      case '--events': {
        const n = positive(i++);
        options.events = { a: n, b: n };
        break;
      }
      case '--scenarios':
        options.scenarios = value(i++).split(',') as ScenarioName[];
        if (options.scenarios.some((s) => !(s in SCENARIOS))) throw new Error('--scenarios: a, b');
        break;
      case '--systems':
        options.systems = value(i++).split(',') as SystemName[];
        if (options.systems.some((s) => !['touchline', 'emmett', 'copy'].includes(s))) {
          throw new Error('--systems: touchline, emmett, copy');
        }
        break;
      case '--max-in-flight':
        options.tuning.maxInFlight = positive(i++);
        break;
      case '--max-batch-events':
        options.tuning.maxBatchEvents = positive(i++);
        break;
      case '--append-batch-set': {
        const [name, setting] = value(i++).split('=');
        if (!name || setting === undefined) throw new Error('--append-batch-set takes name=value');
        options.tuning.appendBatchSettings = {
          ...options.tuning.appendBatchSettings,
          [name]: setting,
        };
        break;
      }
      case '--out':
        options.out = value(i++);
        break;
      default:
        throw new Error(`Unknown argument ${argv[i]}`);
    }
  }
  return options;
}

function log(message: string): void {
  process.stderr.write(`[bench:store] ${message}\n`);
}

/** Runs one task in a child process (same loader as this one) and returns its result. */
function runChild(task: Task): Promise<RunResult> {
  const execArgv = __filename.endsWith('.ts')
    ? ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register']
    : process.execArgv;
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--worker', JSON.stringify(task)], {
      execArgv,
      stdio: 'inherit',
    });
    let result: RunResult | null = null;
    let error: string | null = null;
    child.on('message', (message: { result?: RunResult; error?: string }) => {
      result = message.result ?? null;
      error = message.error ?? null;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(error ?? `worker exited with code ${String(code)}`));
    });
  });
}

async function serverFacts(admin: Client): Promise<Record<string, string>> {
  const facts: Record<string, string> = {};
  for (const setting of [
    'server_version',
    'synchronous_commit',
    'fsync',
    'wal_level',
    'full_page_writes',
    'shared_buffers',
    'max_wal_size',
    'wal_compression',
  ]) {
    const { rows } = await admin.query<{ value: string }>(`SELECT current_setting($1) AS value`, [
      setting,
    ]);
    facts[setting] = rows[0]!.value;
  }
  return facts;
}

/** Which code was measured: the commit and whether the store's libraries had local changes. */
function sourceState(): { commit: string; uncommittedChangesIn: string[] } | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' });
    const dirty = git('status', '--porcelain', '--', 'libs/event-store', 'libs/database');
    return {
      commit: git('rev-parse', '--short', 'HEAD').trim(),
      // porcelain lines are "XY path"
      uncommittedChangesIn: dirty
        .split('\n')
        .filter((line) => line.length > 3)
        .map((line) => line.slice(3)),
    };
  } catch {
    return null;
  }
}

function ratio(
  numerator: RunResult | undefined,
  denominator: RunResult | undefined,
  target: number,
) {
  if (!numerator || !denominator) return null;
  const value = round(numerator.eventsPerSec / denominator.eventsPerSec);
  return { value, target, met: value >= target };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const source = touchpointSource();
  const results: RunResult[] = [];
  try {
    const server = await serverFacts(admin);
    log(`PostgreSQL ${server.server_version}, synchronous_commit=${server.synchronous_commit}`);
    for (const scenarioName of options.scenarios) {
      const scenario = SCENARIOS[scenarioName];
      for (const system of scenario.systems.filter((s) => options.systems.includes(s))) {
        const database = `touchline_bench_${stamp}_${scenarioName}_${system}`;
        await admin.query(`CREATE DATABASE ${database}`);
        try {
          // Start each run from a clean WAL position so no run pays for an earlier one's checkpoint.
          await admin.query('CHECKPOINT');
          const url = new URL(serverUrl);
          url.pathname = `/${database}`;
          log(
            `(${scenarioName}) ${system}: ${options.events[scenarioName]} events, ${scenario.description}`,
          );
          const result = await runChild({
            scenario: scenarioName,
            system,
            url: url.toString(),
            events: options.events[scenarioName],
            tuning: options.tuning,
          });
          log(
            `(${scenarioName}) ${system}: ${result.eventsPerSec} events/s, p50 ${result.latencyMs.p50} ms, ` +
              `p99 ${result.latencyMs.p99} ms, peak RSS ${result.peakRssMb} MB, ${result.durationS} s`,
          );
          if (result.storedEvents !== result.events) {
            throw new Error(`${system} stored ${result.storedEvents} events of ${result.events}`);
          }
          results.push(result);
        } finally {
          await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        }
      }
    }
    const find = (scenario: ScenarioName, system: SystemName) =>
      results.find((r) => r.scenario === scenario && r.system === system);
    const report = {
      benchmark: 'store',
      at: new Date().toISOString(),
      quick: options.quick,
      source: sourceState(),
      machine: {
        cores: availableParallelism(),
        memoryGb: round(totalmem() / 1024 ** 3, 1),
        node: process.version,
        loadAverageAtStart: loadavg().map((l) => round(l)),
        postgres: server,
      },
      events: {
        jsonBytes: {
          mean: source.meanJsonBytes,
          min: source.minJsonBytes,
          max: source.maxJsonBytes,
        },
        types: ['purchase', 'survey.nps', 'browse', 'complaint.opened'],
      },
      touchlineTuning: options.tuning,
      scenarios: Object.fromEntries(
        options.scenarios.map((s) => [
          s,
          {
            description: SCENARIOS[s].description,
            results: Object.fromEntries(
              results.filter((r) => r.scenario === s).map((r) => [r.system, r]),
            ),
          },
        ]),
      ),
      ratios: {
        a_touchline_vs_emmett: ratio(find('a', 'touchline'), find('a', 'emmett'), 6),
        b_touchline_vs_emmett: ratio(find('b', 'touchline'), find('b', 'emmett'), 1.2),
        b_touchline_vs_copy: ratio(find('b', 'touchline'), find('b', 'copy'), 0.6),
      },
    };
    const json = JSON.stringify(report, null, 2);
    process.stdout.write(`${json}\n`);
    if (options.out) writeFileSync(options.out, `${json}\n`);
  } finally {
    await admin.end();
  }
}

if (process.argv[2] === '--worker') {
  // Started by runChild; or by hand (no IPC channel: the result goes to stdout), e.g. under
  // --cpu-prof against a database made for it.
  const task = JSON.parse(process.argv[3]!) as Task;
  const reply = (message: { result?: RunResult; error?: string }, code: number): void => {
    if (process.send) process.send(message, () => process.exit(code));
    else {
      process.stdout.write(`${JSON.stringify(message, null, 2)}\n`);
      process.exitCode = code;
    }
  };
  runTask(task).then(
    (result) => reply({ result }, 0),
    (error: unknown) =>
      reply({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, 1),
  );
} else {
  main().catch((error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  });
}
