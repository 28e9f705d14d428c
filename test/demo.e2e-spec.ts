import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import type { Touchpoint } from '@touchline/touchpoints';
import { Population } from '../bench/population';
import { REPO_ROOT, startService, type ServiceProcess } from './support/service-process';

/**
 * `npm run demo` against the service as a user runs it (postgres profile on a fresh database when
 * DATABASE_URL is set, else the embedded profile): the demo loads a small population, waits for
 * the read models, and they then hold exactly what the generator produced.
 */

const SEED = 5;
const CUSTOMERS = 200;

function runDemo(
  env: Record<string, string>,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        'bench/demo.ts',
        ...args,
      ],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run demo', () => {
  const key = `demo-${randomBytes(12).toString('hex')}`;
  const population = new Population({ seed: SEED, customers: CUSTOMERS });
  const customers = [...population.customersBetween()];
  let db: TestDatabase | null = null;
  let dataDir: string | null = null;
  let service: ServiceProcess;

  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(service.baseUrl + path, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    const env: Record<string, string> = {
      TOUCHLINE_API_KEYS: `demo:${key}:admin`,
      TOUCHLINE_MASTER_KEYS: `demo-mk:${randomBytes(32).toString('base64')}`,
      // startService waits for the "listening" line, which is logged at info.
      LOG_LEVEL: 'info',
    };
    if (process.env.DATABASE_URL) {
      db = await createTestDatabase({ poolSize: 1 });
      env.DATABASE_URL = db.url;
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'touchline-demo-'));
      env.TOUCHLINE_DATA_DIR = dataDir;
    }
    // `npm start` builds first when a source is newer than the build.
    service = await startService(env, 540_000);
  }, 600_000);

  afterAll(async () => {
    await service?.stop();
    await db?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses to run without a key, and says where the key comes from', async () => {
    const run = await runDemo({ TOUCHLINE_URL: service.baseUrl }, []);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/TOUCHLINE_KEY=tl_… npm run demo/);
  }, 60_000);

  it('loads the population and waits until the read models hold all of it', async () => {
    const run = await runDemo({ TOUCHLINE_URL: service.baseUrl, TOUCHLINE_KEY: key }, [
      '--customers',
      String(CUSTOMERS),
      '--seed',
      String(SEED),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const events = customers.reduce((sum, c) => sum + c.events.length, 0);
    expect(run.stdout).toContain(
      `Sent ${events.toLocaleString('en-US')} events of ${CUSTOMERS} customers`,
    );
    expect(run.stdout).toContain(`${events.toLocaleString('en-US')} appended, 0 already there`);
    expect(run.stdout).toContain('The read models have every event.');
    expect(run.stdout).toContain(`${service.baseUrl}/docs`);

    // Every generated customer has a profile, and nobody else has one.
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { customerId: string }[]; nextCursor: string | null } = await get(
        `/v1/customers?sort=customerId&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      listed.push(...page.items.map((p) => p.customerId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(listed.sort()).toEqual(customers.map((c) => c.customerId).sort());

    // Each profile counts what the generator produced for that customer: its own stream, and
    // the anonymous browsing it linked at sign-up (docs/read-models.md, identity).
    const count = (events: Touchpoint[], type: string) =>
      events.filter((e) => e.type === type).length;
    for (const customer of customers) {
      const own = customer.events.filter((e) => e.customerId === customer.customerId);
      const profile = await get<{
        touchpoints: number;
        orders: number;
        refunds: number;
        complaints: { opened: number };
        loyalty: { earned: number; redeemed: number };
        ids: { anonymousIds: string[] };
      }>(`/v1/customers/${customer.customerId}`);
      expect({
        customer: customer.customerId,
        touchpoints: profile.touchpoints,
        orders: profile.orders,
        refunds: profile.refunds,
        complaints: profile.complaints.opened,
        loyalty: profile.loyalty.earned - profile.loyalty.redeemed,
        anonymousIds: profile.ids.anonymousIds,
      }).toEqual({
        customer: customer.customerId,
        touchpoints: customer.events.length,
        orders: count(own, 'purchase'),
        refunds: count(own, 'refund'),
        complaints: count(own, 'complaint.opened'),
        loyalty: own.reduce(
          (sum, e) =>
            e.type === 'loyalty.earned'
              ? sum + e.data.points
              : e.type === 'loyalty.redeemed'
                ? sum - e.data.points
                : sum,
          0,
        ),
        anonymousIds: customer.anonymousId ? [customer.anonymousId] : [],
      });
    }

    // A journey includes the anonymous browsing the customer linked at sign-up.
    const linked = customers.find((c) => c.anonymousId && c.events.length < 500)!;
    const timeline = await get<{ items: { eventId: string }[] }>(
      `/v1/customers/${linked.customerId}/timeline?limit=500`,
    );
    expect(timeline.items.map((i) => i.eventId)).toEqual(linked.events.map((e) => e.eventId));

    // The NPS trend over the whole period counts every generated answer.
    const trend = await get<{ series: { points: { n: number }[] }[] }>(
      `/v1/analytics/nps?interval=month&from=${population.startAt.toISOString().slice(0, 10)}`,
    );
    const answers = trend.series.flatMap((s) => s.points).reduce((sum, p) => sum + p.n, 0);
    expect(answers).toBe(
      customers.flatMap((c) => c.events).filter((e) => e.type === 'survey.nps').length,
    );
  }, 300_000);

  it('appends nothing when the same population is loaded again', async () => {
    const run = await runDemo({ TOUCHLINE_URL: service.baseUrl, TOUCHLINE_KEY: key }, [
      '--customers',
      String(CUSTOMERS),
      '--seed',
      String(SEED),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/: 0 appended, [\d,]+ already there\./);
  }, 120_000);
});
