import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { EventStore } from '@touchline/event-store';
import { listAudit } from '@touchline/ops';
import { describeWithPostgresServer } from '@touchline/testing';
import { EXIT } from '../cli-io';
import { CliHarness, CliProcessHarness } from '../testing/cli-harness';
import { MergeCommand, UnmergeCommand } from './merge.command';

const purchase = (customerId: string) => ({
  eventId: randomUUID(),
  type: 'purchase',
  data: { orderId: `o-${customerId}`, amount: 10, currency: 'EUR' },
  metadata: { channel: 'web', customerId, source: 'shop' },
  occurredAt: new Date(Date.UTC(2026, 0, 1)),
});

async function customer(store: EventStore, label: string): Promise<string> {
  const id = `${label}-${randomUUID().slice(0, 8)}`;
  await store.appendToStream(`customer-${id}`, [purchase(id)], 'no_stream');
  return id;
}

describe('touchline merge / unmerge commands', () => {
  const cli = new CliHarness();
  const { out, err } = cli;

  beforeAll(() => cli.setup());
  beforeEach(() => cli.clearOutput());
  afterAll(() => cli.teardown());

  it('merges, refuses a second merge, unmerges; exit codes, output and audit under the OS user', async () => {
    const { app, store } = cli;
    const [s, m] = [await customer(store, 's'), await customer(store, 'm')];
    const merge = app.get(MergeCommand);
    const unmerge = app.get(UnmergeCommand);

    expect(await merge.execute(s, m, { reason: 'Same person' })).toBe(EXIT.ok);
    expect(out.text).toMatch(
      new RegExp(
        `^Merged customer ${m} into ${s} \\(customer.merged in both streams, position \\S+\\):\\n`,
      ),
    );
    expect(out.text).toContain(`customer-${s}@1`);
    expect(out.text).toContain(`customer-${m}@1`);
    expect((await store.readStream(`customer-${m}`)).map((e) => e.type)).toEqual([
      'purchase',
      'customer.merged',
    ]);

    expect(await merge.execute(s, m, { reason: 'again' })).toBe(EXIT.error);
    expect(err.text).toBe(`touchline merge: refused: Customer ${m} is already merged into ${s}\n`);
    expect(await merge.execute(s, m, {})).toBe(EXIT.error);
    expect(err.text).toContain('--reason is required');
    expect(await merge.execute(s, s, { reason: 'x' })).toBe(EXIT.error);
    expect(err.text).toContain('survivorId and mergedId must differ');

    out.text = '';
    expect(await unmerge.execute(s, m, { reason: 'siblings', json: true })).toBe(EXIT.ok);
    expect(JSON.parse(out.text)).toMatchObject({ kind: 'unmerge', survivorId: s, mergedId: m });
    expect(await unmerge.execute(s, m, { reason: 'twice' })).toBe(EXIT.error);
    expect(err.text).toContain(`Customer ${m} is not merged`);

    const { entries } = await listAudit(store, { limit: 3 });
    expect(entries.map((e) => [e.action, e.outcome, e.target])).toEqual([
      ['customer.unmerge', 'refused', m],
      ['customer.unmerge', 'succeeded', m],
      ['customer.merge', 'refused', m],
    ]);
    for (const entry of entries) {
      expect(entry.actor).toMatchObject({ kind: 'cli_user', id: userInfo().username });
    }
  });
});

describeWithPostgresServer('touchline merge, as a process', () => {
  const cli = new CliProcessHarness(240_000);

  beforeAll(() => cli.setup());
  afterAll(() => cli.teardown());

  const touchline = (...args: string[]) => cli.run(...args);

  it('parses <survivorId> <mergedId> --reason for merge and unmerge', async () => {
    const [s, m] = [await customer(cli.store, 's'), await customer(cli.store, 'm')];
    const merged = await touchline('merge', s, m, '--reason', 'Same person, twice', '--json');
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    expect(JSON.parse(merged.stdout)).toMatchObject({ kind: 'merge', survivorId: s, mergedId: m });
    const undone = await touchline('unmerge', s, m, '--reason', 'siblings');
    expect(undone.code).toBe(0);
    expect(undone.stdout).toContain(`Unmerged customer ${m} from ${s}`);
  }, 500_000);
});
