import { randomUUID } from 'node:crypto';
import type { EventStore } from '@touchline/event-store';
import { listAudit } from '@touchline/ops';
import { PostgresLogStats, ProjectionEngine } from '@touchline/projections';
import { READ_MODEL_PROJECTIONS } from '@touchline/read-models';
import { toEventToAppend, validateJourneyEvent } from '@touchline/touchpoints';
import { CliHarness } from '../testing/cli-harness';
import {
  ProjectionsRebuildCommand,
  ProjectionsStatusCommand,
  REBUILD_EXIT,
} from './projections.command';

async function appendPurchases(store: EventStore, customers: number): Promise<string> {
  let last = '';
  for (let c = 0; c < customers; c++) {
    const result = validateJourneyEvent({
      eventId: randomUUID(),
      type: 'purchase',
      customerId: `cli-${c}`,
      occurredAt: new Date(Date.UTC(2026, 0, 1 + c)).toISOString(),
      channel: 'web',
      data: { orderId: `o-${c}`, amount: 10 + c, currency: 'EUR' },
      metadata: { source: 'spec' },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { streamId, event } = toEventToAppend(result.touchpoint);
    last = (await store.appendToStream(streamId, [event], 'any')).events[0]!.position;
  }
  return last;
}

describe('touchline projections status | rebuild', () => {
  const cli = new CliHarness();
  const { out, err } = cli;
  let worker: ProjectionEngine | undefined;

  beforeAll(async () => {
    await cli.setup();
    const { db, store } = cli;
    await ProjectionEngine.migrate(db.pool);
    // What the API or the worker does: run the read models' projections.
    worker = new ProjectionEngine({
      pool: db.pool,
      store,
      logStats: new PostgresLogStats(db.pool),
      projections: READ_MODEL_PROJECTIONS,
      reconcileIntervalMs: 100,
    });
    await worker.start();
    const last = await appendPurchases(store, 25);
    const names = READ_MODEL_PROJECTIONS.map((p) => p.name);
    expect((await worker.waitForPosition(names, last, 30_000)).reached).toBe(true);
  });
  beforeEach(() => cli.clearOutput());
  afterAll(async () => {
    await worker?.close();
    await cli.teardown();
  });

  const status = () => cli.app.get(ProjectionsStatusCommand);
  const rebuild = () => cli.app.get(ProjectionsRebuildCommand);

  it('status lists every projection as a table, or as JSON', async () => {
    expect(await status().execute({})).toBe(0);
    expect(out.text).toMatch(
      /NAME\s+VERSION\s+GENERATION\s+STATE\s+POSITION\s+LAG\s+LAG S\s+HEALTH\s+LAST ERROR/,
    );
    for (const { name } of READ_MODEL_PROJECTIONS)
      expect(out.text).toMatch(new RegExp(`\\n${name}\\s+\\d+\\s+1\\s+running`));

    out.text = '';
    expect(await status().execute({ json: true })).toBe(0);
    const json = JSON.parse(out.text) as Array<{ name: string; generation: number }>;
    expect(json.map((s) => s.name).sort()).toEqual(
      READ_MODEL_PROJECTIONS.map((p) => p.name).sort(),
    );
  });

  it('refuses bad usage and unknown names with exit 2, and starts nothing', async () => {
    expect(await rebuild().execute(undefined, {})).toBe(REBUILD_EXIT.usage);
    expect(err.text).toContain('give a projection name, or --all');
    expect(await rebuild().execute('customer_profile', { all: true })).toBe(REBUILD_EXIT.usage);
    expect(await rebuild().execute('no_such_projection', {})).toBe(REBUILD_EXIT.usage);
    expect(err.text).toContain('unknown projection "no_such_projection" (known: ');
    expect(await rebuild().execute('customer_profile', { timeout: -1 })).toBe(REBUILD_EXIT.usage);
    const statuses = await worker!.status();
    expect(statuses.every((s) => s.generation === 1 && s.rebuild === null)).toBe(true);
  });

  it('rebuild <name> follows the rebuild until the switch, exit 0, audited under the OS user', async () => {
    const before = await worker!.getRows('customer_profile', ['cli-0', 'cli-24']);
    expect(before.size).toBe(2);
    expect(await rebuild().execute('customer_profile', {})).toBe(REBUILD_EXIT.switched);
    expect(out.text).toBe('customer_profile: switched to generation 2\n');
    const after = (await worker!.status()).find((s) => s.name === 'customer_profile')!;
    expect(after.generation).toBe(2);
    expect(await worker!.getRows('customer_profile', ['cli-0', 'cli-24'])).toEqual(before);

    const { entries } = await listAudit(cli.store, { limit: 2 });
    expect(entries.map((e) => [e.action, e.target, e.outcome, e.detail?.phase])).toEqual([
      ['projections.rebuild', 'customer_profile', 'succeeded', 'finished'],
      ['projections.rebuild', 'customer_profile', 'succeeded', 'started'],
    ]);
    expect(entries[0]!.actor).toMatchObject({ kind: 'cli_user' });
  });

  it('rebuild --all rebuilds every projection', async () => {
    const generations = new Map((await worker!.status()).map((s) => [s.name, s.generation]));
    expect(await rebuild().execute(undefined, { all: true })).toBe(REBUILD_EXIT.switched);
    for (const s of await worker!.status()) {
      expect(s.generation).toBeGreaterThan(generations.get(s.name)!);
      expect(out.text).toContain(`${s.name}: switched to generation ${s.generation}\n`);
    }
  });

  it("exit 1 with the rebuild's own error when its audit entry cannot be written either", async () => {
    const rebuilding = jest
      .spyOn(cli.app.get(ProjectionEngine), 'rebuild')
      .mockRejectedValue(new Error('projection registry unreachable'));
    const auditing = jest
      .spyOn(cli.store, 'appendToStream')
      .mockRejectedValue(new Error('event store unreachable'));
    try {
      expect(await rebuild().execute('customer_profile', {})).toBe(REBUILD_EXIT.failed);
      expect(err.text).toBe('touchline projections rebuild: projection registry unreachable\n');
      expect(auditing).toHaveBeenCalledTimes(1);
    } finally {
      rebuilding.mockRestore();
      auditing.mockRestore();
    }
  });

  it('exit 1 when the rebuild does not complete: nothing runs the projections, --timeout ends the wait', async () => {
    await worker!.close();
    worker = undefined;
    expect(await rebuild().execute('customer_timeline', { timeout: 1 })).toBe(REBUILD_EXIT.failed);
    expect(out.text).toMatch(/^customer_timeline: generation \d+ timed out\n$/);
    const { entries } = await listAudit(cli.store, { limit: 1 });
    expect(entries[0]).toMatchObject({
      action: 'projections.rebuild',
      target: 'customer_timeline',
      outcome: 'failed',
    });
  });
});
