import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { describeWithKafka, kafkaAvailability, startKafka } from './kafka-mock-cluster';
import { waitFor } from './wait-for';

const availability = kafkaAvailability();
const mockOnly = (name: string, fn: jest.ProvidesCallback): void =>
  availability.available && availability.kind === 'mock'
    ? it(name, fn)
    : it.skip(`${name} — skipped: tests the kcat mock, and KAFKA_BROKERS is set`, fn);
const ROOT = resolve(__dirname, '../../..');

function kcatChildren(parentPid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(parentPid), '-x', 'kcat'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describeWithKafka('Kafka test cluster (kcat mock)', () => {
  mockOnly(
    'starts three brokers that answer, freezes them on pause and thaws them on resume',
    async () => {
      const cluster = await startKafka();
      try {
        expect(cluster.kind).toBe('mock');
        expect(cluster.brokers).toHaveLength(3);
        const kafka = new Kafka({
          clientId: 'mock-cluster-spec',
          brokers: cluster.brokers,
          logLevel: logLevel.NOTHING,
          requestTimeout: 500,
          retry: { retries: 0 },
        });
        const admin = kafka.admin();
        await admin.connect();
        try {
          const { topics } = await admin.fetchTopicMetadata({
            topics: ['touchline-test-keepalive'],
          });
          expect(topics[0]!.partitions).toHaveLength(4);

          // Offsets, not metadata: kafkajs answers metadata from its cache without asking.
          const offsets = () => admin.fetchTopicOffsets('touchline-test-keepalive');
          cluster.pause();
          await expect(offsets()).rejects.toThrow();
          cluster.resume();
          await waitFor(
            () =>
              offsets().then(
                () => true,
                () => undefined,
              ),
            { what: 'the brokers to answer again after resume' },
          );
        } finally {
          await admin.disconnect();
        }
      } finally {
        await cluster.stop();
      }
    },
  );

  mockOnly('stop() ends kcat, also while paused', async () => {
    const cluster = await startKafka();
    const [pid] = kcatChildren(process.pid);
    expect(pid).toBeDefined();
    cluster.pause();
    await cluster.stop();
    expect(isRunning(pid!)).toBe(false);
    await expect(cluster.stop()).resolves.toBeUndefined();
    expect(() => cluster.resume()).toThrow(/exited/);
  });

  describe('leaves no kcat behind when the process that started it', () => {
    async function startOwner(
      then: 'exit' | 'wait',
    ): Promise<{ owner: ReturnType<typeof spawn>; kcat: number; exited: Promise<unknown> }> {
      // The owner names its own kcat: after an exit there would be no parent left to ask about.
      const script = `
        require('./libs/testing/src/kafka-mock-cluster').startKafka().then(() => {
          const pgrep = ['-P', String(process.pid), '-x', 'kcat'];
          const pid = require('child_process').execFileSync('pgrep', pgrep, { encoding: 'utf8' }).trim();
          process.stdout.write('kcat=' + pid + '\\n');
          if (${JSON.stringify(then)} === 'exit') process.exit(0);
          setInterval(() => {}, 1000);
        });`;
      const owner = spawn(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', '-e', script],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      // Listened for from the start: an owner that exits at once may be gone before waitFor's
      // next poll sees its kcat, and an 'exit' emitted before anyone listens is lost.
      const exited = once(owner, 'exit');
      let kcat: number | undefined;
      owner.stdout!.on('data', (chunk: Buffer) => {
        const match = /kcat=(\d+)/.exec(chunk.toString());
        if (match) kcat = Number(match[1]);
      });
      const pid = await waitFor(() => kcat, { what: 'the owner to start the mock cluster' });
      expect(pid).toBeGreaterThan(0);
      return { owner, kcat: pid, exited };
    }

    async function expectGone(kcat: number): Promise<void> {
      await waitFor(() => (isRunning(kcat) ? undefined : true), {
        timeoutMs: 10_000,
        what: `kcat ${kcat} to exit`,
      });
    }

    mockOnly('exits without calling stop()', async () => {
      const { kcat, exited } = await startOwner('exit');
      await exited;
      await expectGone(kcat);
    });

    mockOnly('is killed outright (SIGKILL: no exit hooks run)', async () => {
      const { owner, kcat, exited } = await startOwner('wait');
      owner.kill('SIGKILL');
      await exited;
      expect(isRunning(kcat)).toBe(true); // the watchdog, not an exit hook, must end it
      await expectGone(kcat);
    });
  });
});
