import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join, relative } from 'node:path';
import { STRICT } from './test-database';
import { waitFor } from './wait-for';

/**
 * Kafka for integration suites: the brokers in `KAFKA_BROKERS` when set (CI, or a developer's own
 * cluster), otherwise librdkafka's built-in mock cluster, run through kcat (Debian package `kcat`):
 *
 *     kcat -b localhost:9092 -C -X test.mock.num.brokers=3 -X debug=mock -t <keepalive-topic>
 *
 * kcat is only the host process: its consumer keeps the mock alive, the suite talks to the three
 * mock brokers it announces on stderr (`bootstrap.servers=127.0.0.1:PORT,...`).
 *
 * It is a protocol mock, not Kafka. Limits seen with librdkafka 2.0.2 and kafkajs 2.2.4:
 * - Topics are auto-created on first use with 4 partitions (replication factor 3); there is no
 *   way to ask for another partition count.
 * - The cluster reports controller id 0 while its brokers are 1..3, so anything kafkajs routes to
 *   the controller fails with `KafkaJSBrokerNotFound: Broker 0 not found in the cached metadata`:
 *   `admin.createTopics`, and the idempotent producer (`idempotent: true`, its InitProducerId).
 *   Use a non-idempotent producer (acks -1 still works).
 * - Consumer groups work (join, sync, heartbeat, commit); a second member makes the group
 *   rebalance and the partitions split between the members (4 partitions: 2 + 2).
 * - The group coordinator holds every join phase open for a fixed time, even when all members
 *   have joined: 3 s for a new group, then the consumer's session timeout minus 1 s for each
 *   rebalance (9 s with a 10 s session timeout). Give test consumers `sessionTimeout: 6000`
 *   (real Kafka's minimum) and wait on GROUP_JOIN events, not on a time.
 * - Produce responses carry a made-up logAppendTime ("1234"); do not assert on it.
 * - pause() is `kill -STOP`: the kernel still accepts TCP connections but nothing answers, so
 *   clients see request timeouts, not refused connections. After resume() the brokers answer the
 *   requests queued during the outage as well as the client's retries of them: a non-idempotent
 *   producer writes duplicates (200 events sent across a pause were read back 220 to 300 times)
 *   and kafkajs logs "[RequestQueue] Response without match" for the late answers. A duplicate
 *   lands after later events of the same key, so per-key order holds only up to redelivery:
 *   at-least-once, which projections absorb by skipping revisions they have already applied.
 */
export interface KafkaTestCluster {
  readonly kind: 'external' | 'mock';
  readonly brokers: string[];
  /** Freezes every broker, keeping its data (mock only; throws for external brokers). */
  pause(): void;
  /** Thaws the brokers frozen by pause() (mock only). */
  resume(): void;
  /** Stops the mock cluster and waits for kcat to exit; a no-op for external brokers. */
  stop(): Promise<void>;
}

export type KafkaAvailability =
  { available: true; kind: 'external' | 'mock' } | { available: false; reason: string };

const NOT_AVAILABLE = 'no KAFKA_BROKERS and no kcat (apt-get install kcat)';

/**
 * Decides synchronously (jest collects describe blocks synchronously) whether a Kafka suite can
 * run: external brokers when KAFKA_BROKERS is set, else the kcat mock when kcat is on PATH.
 */
export function kafkaAvailability(env: NodeJS.ProcessEnv = process.env): KafkaAvailability {
  if (parseBrokers(env.KAFKA_BROKERS).length > 0) return { available: true, kind: 'external' };
  if (findOnPath('kcat', env.PATH)) return { available: true, kind: 'mock' };
  return { available: false, reason: NOT_AVAILABLE };
}

/**
 * `describe` for suites that need Kafka. Without Kafka the suite reports itself skipped, with the
 * reason, in one line; under TOUCHLINE_TEST_STRICT=1 (CI) it fails instead, so a missing Kafka
 * can never pass as a green run.
 */
export function describeWithKafka(name: string, fn: () => void): void {
  const availability = kafkaAvailability();
  if (availability.available) {
    describe(name, fn);
  } else if (STRICT) {
    describe(name, () => {
      it('needs Kafka (TOUCHLINE_TEST_STRICT=1 forbids skipping)', () => {
        throw new Error(
          `TOUCHLINE_TEST_STRICT=1 but Kafka is not available: ${availability.reason}`,
        );
      });
    });
  } else {
    const title = `${name} — skipped: ${availability.reason}`;
    // Jest prints nothing about a suite whose tests are all skipped, not even with --verbose:
    // without this line the reason would never reach the person reading the run.
    const file = expect.getState().testPath;
    process.stderr.write(`○ ${file ? `${relative(process.cwd(), file)}: ` : ''}${title}\n`);
    // A lone placeholder, not `fn`, so no hook or test body of the suite is even registered.
    describe.skip(title, () => {
      it('needs Kafka', () => undefined);
    });
  }
}

/** Connects to KAFKA_BROKERS, or starts a fresh mock cluster for the calling suite. */
export async function startKafka(
  options: { startTimeoutMs?: number } = {},
): Promise<KafkaTestCluster> {
  const external = parseBrokers(process.env.KAFKA_BROKERS);
  if (external.length > 0) return externalCluster(external);
  const kcat = findOnPath('kcat', process.env.PATH);
  if (!kcat) throw new Error(`Cannot start Kafka for tests: ${NOT_AVAILABLE}`);
  return startMockCluster(kcat, options.startTimeoutMs ?? 15_000);
}

function externalCluster(brokers: string[]): KafkaTestCluster {
  const unsupported = (what: string) => (): never => {
    throw new Error(
      `${what}() is not supported with external Kafka (KAFKA_BROKERS): the test does not own those brokers`,
    );
  };
  return {
    kind: 'external',
    brokers,
    pause: unsupported('pause'),
    resume: unsupported('resume'),
    stop: async () => {},
  };
}

const KEEPALIVE_TOPIC = 'touchline-test-keepalive';
const STDERR_TAIL_LINES = 40;
const BOOTSTRAP = /bootstrap\.servers=(\S+)|ignored and replaced with (\S+)/;

async function startMockCluster(kcat: string, startTimeoutMs: number): Promise<KafkaTestCluster> {
  const child = spawn(
    kcat,
    [
      '-b',
      'localhost:9092',
      '-C',
      '-X',
      'test.mock.num.brokers=3',
      '-X',
      'debug=mock',
      '-t',
      KEEPALIVE_TOPIC,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const pid = child.pid;
  if (pid === undefined) {
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`Could not start kcat (${kcat}): ${error.message}`);
  }
  const tail: string[] = [];
  const watchdog = startWatchdog(pid);
  track(child, watchdog);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      watchdog.kill('SIGKILL');
      untrack(child, watchdog);
      resolve();
    });
  });
  child.on('error', (error) => tail.push(`[spawn] ${error.message}`));
  // Neither handle may keep a finished jest worker alive; the exit hook still kills kcat.
  child.unref();

  let partial = '';
  let onLine: ((line: string) => void) | undefined;
  // debug=mock logs every request: stderr must be drained for as long as kcat runs, or a full
  // pipe would block the mock brokers' threads and look like a hang.
  const stderr = child.stderr!;
  stderr.setEncoding('utf8');
  stderr.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > STDERR_TAIL_LINES) tail.shift();
      onLine?.(line);
    }
  });
  (stderr as { unref?: () => void }).unref?.();

  const kill = async (): Promise<void> => {
    if (exited) return;
    // Held again so that a caller awaiting stop() sees kcat gone before the process may exit.
    child.ref();
    // SIGKILL also ends a stopped (paused) process, and the mock keeps nothing worth flushing.
    child.kill('SIGKILL');
    await exit;
  };

  let brokers: string[];
  try {
    brokers = await new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`kcat announced no mock brokers within ${startTimeoutMs} ms`)),
        startTimeoutMs,
      );
      onLine = (line) => {
        const match = BOOTSTRAP.exec(line);
        if (!match) return;
        clearTimeout(timer);
        resolve(parseBrokers(match[1] ?? match[2]));
      };
      void exit.then(() => {
        clearTimeout(timer);
        reject(
          new Error(
            `kcat exited (code ${child.exitCode}, signal ${child.signalCode}) before the mock cluster started`,
          ),
        );
      });
    });
    onLine = undefined;
    await Promise.all(
      brokers.map((broker) =>
        waitFor(async () => ((await acceptsConnections(broker)) ? true : undefined), {
          timeoutMs: startTimeoutMs,
          intervalMs: 50,
          what: `mock broker ${broker} to accept connections`,
        }),
      ),
    );
  } catch (error) {
    await kill();
    throw new Error(`${(error as Error).message}\nkcat stderr (last lines):\n${tail.join('\n')}`);
  }

  const signal = (name: NodeJS.Signals, what: string) => (): void => {
    if (exited) throw new Error(`Cannot ${what}: the kcat mock cluster has exited`);
    child.kill(name);
  };
  return {
    kind: 'mock',
    brokers,
    pause: signal('SIGSTOP', 'pause'),
    resume: signal('SIGCONT', 'resume'),
    stop: kill,
  };
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A suite that forgets stop(), or a worker that exits early, must not leave kcat running. */
function track(...processes: ChildProcess[]): void {
  for (const p of processes) live.add(p);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of live) p.kill('SIGKILL');
  });
}

function untrack(...processes: ChildProcess[]): void {
  for (const p of processes) live.delete(p);
}

/**
 * The exit hook does not run when the worker itself is killed (jest's forced shutdown, Ctrl-C,
 * SIGKILL). A detached shell polls for this process and kills kcat once it is gone.
 */
function startWatchdog(kcatPid: number): ChildProcess {
  const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -9 "$2" 2>/dev/null';
  const watchdog = spawn(
    'sh',
    ['-c', script, 'kcat-watchdog', String(process.pid), String(kcatPid)],
    {
      stdio: 'ignore',
      detached: true,
    },
  );
  watchdog.unref();
  return watchdog;
}

function acceptsConnections(broker: string): Promise<boolean> {
  const colon = broker.lastIndexOf(':');
  const host = broker.slice(0, colon);
  const port = Number(broker.slice(colon + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function parseBrokers(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
}

function findOnPath(command: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
