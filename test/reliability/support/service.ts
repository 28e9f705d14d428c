import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, freePort } from '../../support/service-process';

/**
 * The service as a real process for the reliability suite. global-setup.ts builds it once and
 * names the entry point in TOUCHLINE_RELIABILITY_MAIN: a private build outside the working tree
 * (developer machines, where the tree may be mid-edit), or dist/ through scripts/start.js (CI, the
 * way a user starts it). Either way the service runs in the spawned process itself, so SIGKILL
 * kills the service and nothing else.
 */
export interface Touchline {
  readonly port: number;
  readonly baseUrl: string;
  /** Everything the current and every previous process of this service printed. */
  output(): string;
  /** The pid of the running process. */
  readonly pid: number | undefined;
  /** kill -9: no shutdown hook runs, open transactions are cut by the kernel closing sockets. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** Starts a new process on the same port and environment, after kill() or stop(). */
  restart(): Promise<number>;
}

export interface TouchlineOptions {
  databaseUrl: string;
  kafkaBrokers?: string[];
  apiKeys: string;
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

function entry(): string[] {
  const main = process.env.TOUCHLINE_RELIABILITY_MAIN;
  return main ? [main] : ['scripts/start.js'];
}

/** Starts the service and resolves once it listens; `startMs` of restart() is the time that took. */
export async function startTouchline(options: TouchlineOptions): Promise<Touchline> {
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG'])
    if (process.env[key]) env[key] = process.env[key]!;
  Object.assign(env, {
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    TOUCHLINE_API_KEYS: options.apiKeys,
    LOG_LEVEL: 'info',
    // Personal fields are encrypted per customer under a master key (crypto-shredding).
    TOUCHLINE_MASTER_KEYS: `mk-rel:${Buffer.alloc(32, 7).toString('base64')}`,
    ...(options.kafkaBrokers ? { KAFKA_BROKERS: options.kafkaBrokers.join(',') } : {}),
    // A private build lives outside the repository: its packages are the repository's.
    ...(process.env.TOUCHLINE_RELIABILITY_MAIN
      ? { NODE_PATH: join(REPO_ROOT, 'node_modules') }
      : {}),
    ...options.env,
  });
  let log = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (): Promise<number> => {
    const started = Date.now();
    const proc = spawn(process.execPath, entry(), {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let mine = '';
    const onData = (d: Buffer) => {
      mine += d.toString();
      log += d.toString();
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    exited = new Promise((ok) => proc.once('exit', () => ok()));
    await new Promise<void>((ok, fail) => {
      const timeoutMs = options.startTimeoutMs ?? 120_000;
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        fail(new Error(`touchline did not listen within ${timeoutMs} ms:\n${mine.slice(-4000)}`));
      }, timeoutMs);
      const check = () => {
        if (/listening on http/.test(mine)) {
          clearTimeout(timer);
          proc.stdout!.off('data', check);
          proc.stderr!.off('data', check);
          ok();
        }
      };
      proc.stdout!.on('data', check);
      proc.stderr!.on('data', check);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(
          new Error(`touchline exited (${code ?? signal}) before listening:\n${mine.slice(-4000)}`),
        );
      });
    });
    return Date.now() - started;
  };

  const signal = async (name: NodeJS.Signals) => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(name);
    // A shutdown that hangs must not hang the suite: it is reported, then ended.
    const timer = setTimeout(() => {
      log += `\n[reliability] no exit 15 s after ${name}: SIGKILL\n`;
      proc.kill('SIGKILL');
    }, 15_000);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  // A test that fails half-way must not leave a service running behind the jest worker.
  process.once('exit', () => child?.kill('SIGKILL'));
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => log,
    get pid() {
      return child?.pid;
    },
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
    restart: launch,
  };
}
