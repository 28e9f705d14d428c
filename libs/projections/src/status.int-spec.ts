import { randomUUID } from 'node:crypto';
import { waitFor } from '@touchline/testing';
import { UnknownProjectionError } from './errors';
import { appendAll, customerPurchases, purchase } from './testing/customer-purchases.fixture';
import { EngineHarness } from './testing/engine-harness';

const h = new EngineHarness();
beforeAll(() => h.setup());
afterEach(() => h.closeEngines());
afterAll(() => h.teardown());

const newScope = () => `s${randomUUID().slice(0, 8)}-`;
/** Needs a second connection, which PGlite does not have; CI runs it against PostgreSQL. */
const withServer = process.env.DATABASE_URL ? it : it.skip;

describe('ProjectionEngine: status, lag and heartbeat', () => {
  it('reports caught up, then lag and an unhealthy heartbeat when nothing moves while work waits', async () => {
    const scope = newScope();
    const definition = customerPurchases({ name: 'purchases_status', scope });
    const worker = h.engine({ projections: [definition] });
    const api = h.engine({ projections: [definition], stallThresholdMs: 300 }); // never started: an API node
    await worker.start();
    const last = await appendAll(h.store, `${scope}a`, [purchase(1), purchase(2)]);
    await worker.waitForPosition([definition.name], last, 10_000);

    const caughtUp = (await api.status()).find((s) => s.name === definition.name)!;
    expect(caughtUp).toMatchObject({
      version: 1,
      generation: 1,
      state: 'running',
      checkpoint: last,
      lagEvents: 0,
      lagSeconds: 0,
      stalledForMs: 0,
      caughtUp: true,
      healthy: true,
      lastError: null,
      deadLetters: 0,
      rebuild: null,
    });
    expect(caughtUp.lastMovedAt).toBeInstanceOf(Date);
    expect(caughtUp.lastEventRecordedAt).toBeInstanceOf(Date);

    // The only process running it dies; events keep arriving.
    await worker.close();
    const latest = await appendAll(h.store, `${scope}b`, [
      purchase(1),
      purchase(2),
      purchase(3),
      purchase(4),
    ]);
    const behind = (await api.status()).find((s) => s.name === definition.name)!;
    expect(behind).toMatchObject({
      state: 'running',
      lagEvents: 4,
      caughtUp: false,
      checkpoint: last,
    });
    const stalled = await waitFor(
      async () => {
        const status = (await api.status()).find((s) => s.name === definition.name)!;
        return status.healthy ? undefined : status;
      },
      { what: 'the heartbeat to report the stall' },
    );
    expect(stalled).toMatchObject({ state: 'running', lagEvents: 4, caughtUp: false });
    expect(stalled.stalledForMs).toBeGreaterThan(300);
    expect(stalled.lagSeconds).toBeGreaterThan(0.3);

    // Another process takes over from the checkpoint.
    const successor = h.engine({ projections: [definition] });
    await successor.start();
    expect((await successor.waitForPosition([definition.name], latest, 10_000)).reached).toBe(true);
    expect((await api.status()).find((s) => s.name === definition.name)).toMatchObject({
      healthy: true,
      caughtUp: true,
      lagEvents: 0,
    });
  });

  it('read-your-writes: waitForPosition resolves when every named projection has passed the position', async () => {
    const scope = newScope();
    const purchases = customerPurchases({ name: 'purchases_ryw', scope });
    const other = customerPurchases({ name: 'purchases_ryw_other', scope });
    const engine = h.engine({ projections: [purchases, other] });
    await engine.start();
    const first = await appendAll(h.store, `${scope}a`, [purchase(1)]);
    expect(await engine.waitForPosition([purchases.name, other.name], first, 10_000)).toEqual({
      reached: true,
      positions: { [purchases.name]: first, [other.name]: first },
    });

    await engine.stop(other.name);
    expect((await engine.status()).find((s) => s.name === other.name)).toMatchObject({
      state: 'stopped',
    });
    const second = await appendAll(h.store, `${scope}a`, [purchase(2)]);
    expect((await engine.waitForPosition([purchases.name], second, 10_000)).reached).toBe(true);
    expect(await engine.waitForPosition([purchases.name, other.name], second, 300)).toEqual({
      reached: false,
      positions: { [purchases.name]: second, [other.name]: first },
    });
    await expect(engine.waitForPosition(['no_such_projection'], second, 10)).rejects.toBeInstanceOf(
      UnknownProjectionError,
    );

    await engine.resume(other.name);
    expect((await engine.waitForPosition([other.name], second, 10_000)).reached).toBe(true);
  });

  withServer(
    'a long open transaction stalls readers: it shows as lag and an unhealthy heartbeat, never as caught up',
    async () => {
      const scope = newScope();
      const definition = customerPurchases({ name: 'purchases_blocked', scope });
      const engine = h.engine({ projections: [definition], stallThresholdMs: 300 });
      await engine.start();
      const before = await appendAll(h.store, `${scope}a`, [purchase(1)]);
      await engine.waitForPosition([definition.name], before, 10_000);

      const blocker = await h.pool.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('SELECT pg_current_xact_id()');
        const after = await appendAll(h.store, `${scope}a`, [purchase(2), purchase(3)]);
        const stalled = await waitFor(
          async () => {
            const status = (await engine.status()).find((s) => s.name === definition.name)!;
            return status.healthy ? undefined : status;
          },
          { what: 'the stall behind the open transaction' },
        );
        expect(stalled).toMatchObject({
          state: 'running',
          checkpoint: before,
          lagEvents: 2,
          caughtUp: false,
        });
        await blocker.query('COMMIT');
        expect((await engine.waitForPosition([definition.name], after, 10_000)).reached).toBe(true);
        expect((await engine.status()).find((s) => s.name === definition.name)).toMatchObject({
          healthy: true,
          caughtUp: true,
        });
      } finally {
        await blocker.query('ROLLBACK').catch(() => undefined);
        blocker.release();
      }
    },
  );
});
