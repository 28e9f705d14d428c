import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Per-call latencies in ms; percentiles by nearest rank. */
export class Latencies {
  private values: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(Math.max(1, capacity));
  }

  record(ms: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = ms;
  }

  summary(): { calls: number; p50Ms: number; p99Ms: number; maxMs: number; meanMs: number } {
    const sorted = this.values.slice(0, this.count).sort();
    const at = (q: number): number =>
      sorted[Math.min(this.count - 1, Math.ceil(q * this.count) - 1)] ?? 0;
    const total = sorted.reduce((a, b) => a + b, 0);
    return {
      calls: this.count,
      p50Ms: round(at(0.5)),
      p99Ms: round(at(0.99)),
      maxMs: round(sorted[this.count - 1] ?? 0),
      meanMs: round(this.count === 0 ? 0 : total / this.count),
    };
  }
}

/** Samples this process's resident set size every `everyMs` and keeps the peak. */
export function rssSampler(everyMs = 50): { stop(): { peakMb: number; startMb: number } } {
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return { peakMb: round(peak / 1_048_576), startMb: round(startRss / 1_048_576) };
    },
  };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux (getconf CLK_TCK)

interface CpuSnapshot {
  node: NodeJS.CpuUsage;
  machineBusyTicks: number;
  postgresTicks: Map<number, number>;
}

export interface CpuSplit {
  wallS: number;
  /** CPU seconds used by this Node process. */
  nodeCpuS: number;
  /** CPU seconds used by all postgres processes (backends of other clients included). */
  postgresCpuS: number;
  /** CPU seconds used by the backends serving this benchmark's database only. */
  postgresOwnBackendsCpuS: number;
  /** CPU seconds used by the whole machine (all cores, everything running on it). */
  machineBusyCpuS: number;
  /** Cores available to the machine. */
  cores: number;
}

/**
 * CPU accounting from /proc (Linux only; null elsewhere): how busy this process, PostgreSQL and
 * the whole machine were during a scenario. The machine is shared, so the difference between
 * machineBusy and node + postgres is other people's work. `stop()` takes the closing snapshot at
 * once; the backend pids (looked up afterwards) only pick which postgres processes are "own".
 */
export function cpuMeter(): { stop(): (ownBackendPids: number[]) => CpuSplit | null } {
  const start = snapshot();
  const startedAt = performance.now();
  return {
    stop() {
      const end = snapshot();
      const wallS = (performance.now() - startedAt) / 1000;
      return (ownBackendPids) => {
        if (!start || !end) return null;
        let postgres = 0;
        for (const [pid, ticks] of end.postgresTicks)
          postgres += ticks - (start.postgresTicks.get(pid) ?? 0);
        let own = 0;
        for (const pid of ownBackendPids) {
          own += (end.postgresTicks.get(pid) ?? 0) - (start.postgresTicks.get(pid) ?? 0);
        }
        const nodeUs = end.node.user - start.node.user + end.node.system - start.node.system;
        return {
          wallS: round(wallS),
          nodeCpuS: round(nodeUs / 1e6),
          postgresCpuS: round(postgres / TICKS_PER_SECOND),
          postgresOwnBackendsCpuS: round(own / TICKS_PER_SECOND),
          machineBusyCpuS: round(
            (end.machineBusyTicks - start.machineBusyTicks) / TICKS_PER_SECOND,
          ),
          cores: availableParallelism(),
        };
      };
    },
  };
}

function snapshot(): CpuSnapshot | null {
  try {
    // cpu  user nice system idle iowait irq softirq steal ...
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = fields[3]! + fields[4]!;
    const postgresTicks = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // the process ended meanwhile
      }
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      const rest = stat.slice(close + 2).split(' ');
      // after "pid (comm) ": state is field 3, utime field 14, stime field 15 (1-based)
      postgresTicks.set(Number(entry), Number(rest[11]) + Number(rest[12]));
    }
    return { node: process.cpuUsage(), machineBusyTicks: total - idle, postgresTicks };
  } catch {
    return null;
  }
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
