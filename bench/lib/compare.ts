/**
 * The same events appended straight to an event store, without the service: touchline's
 * PostgreSQL store, @event-driven-io/emmett-postgresql and a raw COPY of the same rows
 * (bench/lib/systems.ts). Each system runs in a child process of its own, on a fresh database
 * dropped afterwards: Emmett's driver sets node-pg's global type parsers when it loads, and a
 * fresh process gives each a clean heap for its peak RSS.
 */
import { fork } from 'node:child_process';
import { Client } from 'pg';
import { toEventToAppend } from '@touchline/touchpoints';
import type { EventToAppend } from '@touchline/event-store';
import { Population, type PopulationOptions } from '../population';
import { Latencies, round } from './measure';
import { memoryOf } from './proc';
import { openSystem, type SystemName } from './systems';

export interface CompareTask {
  system: SystemName;
  url: string;
  /** The population, rebuilt in the child: the same seed gives the same events. */
  population: Omit<PopulationOptions, 'endAt'> & { endAt: string };
  eventsPerCall: number;
  callers: number;
}

export interface CompareResult {
  system: SystemName;
  events: number;
  calls: number;
  durationS: number;
  eventsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  storedEvents: number;
  peakRssMb: number | null;
}

/** One customer's appends: each of its streams in chunks of `size`, in occurrence order. */
function appendsOf(
  population: Population,
  index: number,
  size: number,
): { streamId: string; events: EventToAppend[] }[] {
  const streams = new Map<string, EventToAppend[]>();
  for (const touchpoint of population.customer(index).events) {
    const { streamId, event } = toEventToAppend(touchpoint);
    const list = streams.get(streamId) ?? [];
    list.push(event);
    streams.set(streamId, list);
  }
  const calls: { streamId: string; events: EventToAppend[] }[] = [];
  for (const [streamId, events] of streams)
    for (let i = 0; i < events.length; i += size)
      calls.push({ streamId, events: events.slice(i, i + size) });
  return calls;
}

/** Worker side: appends the whole population, customer after customer, with `callers` in parallel. */
export async function runCompareTask(task: CompareTask): Promise<CompareResult> {
  const population = new Population({ ...task.population, endAt: new Date(task.population.endAt) });
  // Prepared before the clock starts: the comparison is about appending, not generating.
  const work = Array.from({ length: population.customers }, (_, i) =>
    appendsOf(population, i, task.eventsPerCall),
  );
  const events = work.flat().reduce((sum, call) => sum + call.events.length, 0);
  const system = await openSystem(task.system, task.url, {});
  const latencies = new Latencies(events);
  let next = 0;
  // A customer's calls run in order on one caller: no two callers race on one stream.
  const caller = async (): Promise<void> => {
    while (next < work.length) {
      for (const call of work[next++]!) {
        const started = performance.now();
        await system.append(call.streamId, call.events);
        latencies.record(performance.now() - started);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: task.callers }, caller));
  const durationS = (performance.now() - started) / 1000;
  const storedEvents = await system.storedEvents();
  await system.close();
  const summary = latencies.summary();
  return {
    system: task.system,
    events,
    calls: summary.calls,
    durationS: round(durationS),
    eventsPerSecond: Math.round(events / durationS),
    latencyMs: { p50: summary.p50Ms, p99: summary.p99Ms, max: summary.maxMs },
    storedEvents,
    peakRssMb: memoryOf(process.pid)?.peakMb ?? null,
  };
}

/** Orchestrator side: runs each system in its own child process on a fresh database. */
export async function compareSystems(
  serverUrl: string,
  databasePrefix: string,
  systems: SystemName[],
  task: Omit<CompareTask, 'system' | 'url'>,
  log: (message: string) => void,
): Promise<CompareResult[]> {
  const results: CompareResult[] = [];
  for (const system of systems) {
    const database = `${databasePrefix}_${system}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${database}`);
      const url = new URL(serverUrl);
      url.pathname = `/${database}`;
      log(`append comparison: ${system}`);
      const result = await runChild({ ...task, system, url: url.toString() });
      if (result.storedEvents !== result.events)
        throw new Error(`${system} stored ${result.storedEvents} of ${result.events} events`);
      log(`  ${system}: ${result.eventsPerSecond} events/s, p99 ${result.latencyMs.p99} ms`);
      results.push(result);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  }
  return results;
}

function runChild(task: CompareTask): Promise<CompareResult> {
  const worker = require.resolve('./compare-worker');
  const execArgv = worker.endsWith('.ts')
    ? ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register']
    : [];
  return new Promise((resolve, reject) => {
    const child = fork(worker, [JSON.stringify(task)], { execArgv, stdio: 'inherit' });
    let result: CompareResult | null = null;
    let error: string | null = null;
    child.on('message', (message: { result?: CompareResult; error?: string }) => {
      result = message.result ?? null;
      error = message.error ?? null;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(error ?? `compare worker exited with code ${String(code)}`));
    });
  });
}
