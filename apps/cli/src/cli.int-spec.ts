import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { listAudit } from '@touchline/ops';
import { describeWithPostgresServer } from '@touchline/testing';
import { EXIT } from './cli-io';
import { ReplayCommand } from './commands/replay.command';
import { VerifyCommand } from './commands/verify.command';
import { CliHarness, CliProcessHarness } from './testing/cli-harness';

const purchases = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    eventId: randomUUID(),
    type: 'purchase',
    data: { orderId: `o-${i}`, amount: 10 * (i + 1) },
    metadata: { source: 'shop-backend', correlationId: `checkout-${i}` },
    occurredAt: new Date(Date.UTC(2026, 2, 1 + i)),
  }));

describe('touchline CLI commands', () => {
  const cli = new CliHarness();
  const { out, err } = cli;
  const customerId = `c-${randomUUID()}`;

  beforeAll(() => cli.setup());
  beforeEach(() => cli.clearOutput());
  afterAll(() => cli.teardown());

  const command = <T>(type: new (...args: never[]) => T): T => cli.app.get(type);

  it('verify and replay an intact store: exit 0, a table or JSON, each run audited under the OS user', async () => {
    await cli.store.appendToStream(`customer-${customerId}`, purchases(2), 'no_stream');
    const [second] = await cli.store.readStream(`customer-${customerId}`, { fromRevision: 1 });
    await sleep(5);
    await cli.store.appendToStream(`customer-${customerId}`, purchases(1), 1);

    const verify = command(VerifyCommand);
    expect(await verify.execute({})).toBe(EXIT.ok);
    expect(out.text).toMatch(/^Verified 3 events in 1 streams: intact\n$/);
    expect(await verify.execute({ customer: customerId })).toBe(EXIT.ok);
    expect(out.text).toContain(`customer-${customerId}: intact (3 events, head checked)`);

    const replay = command(ReplayCommand);
    expect(await replay.execute(customerId, {})).toBe(EXIT.ok);
    expect(out.text).toContain(
      `Journey of customer ${customerId}, as of now: 3 of 3 recorded events`,
    );
    expect(out.text).toMatch(
      /REV\s+RECORDED\s+OCCURRED\s+TYPE\s+PRODUCER\s+CORRELATION\s+CAUSATION\s+DATA/,
    );
    expect(out.text).toMatch(
      /\n0\s+\S+Z\s+2026-03-01T00:00:00.000Z\s+purchase v1\s+shop-backend\s+checkout-0\s+—\s+\{"amount":10,"orderId":"o-0"\}/,
    );

    out.text = '';
    expect(
      await replay.execute(customerId, { asOf: second!.recordedAt.toISOString(), json: true }),
    ).toBe(EXIT.ok);
    const json = JSON.parse(out.text);
    expect(json.events.map((e: { revision: number }) => e.revision)).toEqual([0, 1]);
    expect(json.integrity.ok).toBe(true);

    expect(await replay.execute(customerId, { asOf: 'last tuesday' })).toBe(EXIT.error);
    expect(err.text).toContain('--as-of must be an ISO 8601 date');
    expect(await replay.execute(`c-${randomUUID()}`, {})).toBe(EXIT.error);
    expect(err.text).toContain('no events of customer');

    const { entries } = await listAudit(cli.store, { limit: 10 });
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['journey.replay', 'not_found'],
      ['journey.replay', 'succeeded'],
      ['journey.replay', 'succeeded'],
      ['chain.verify', 'succeeded'],
      ['store.verify', 'succeeded'],
    ]);
    for (const entry of entries) {
      expect(entry.actor).toMatchObject({ kind: 'cli_user', id: userInfo().username });
    }
  });

  it('a tampered row: verify and replay exit 2 and name the first broken link', async () => {
    const other = `c-${randomUUID()}`;
    await cli.store.appendToStream(`customer-${other}`, purchases(3), 'no_stream');
    await cli.db.pool.query(
      `UPDATE touchline.events SET data = '{"orderId": "o-1", "amount": 1}'
        WHERE stream_id = $1 AND stream_revision = 1`,
      [`customer-${other}`],
    );
    const verify = command(VerifyCommand);
    expect(await verify.execute({})).toBe(EXIT.broken);
    expect(out.text).toContain(': 1 broken\n');
    expect(out.text).toContain(`customer-${other}: BROKEN at revision 1 (changed)`);

    out.text = '';
    expect(await verify.execute({ customer: other, json: true })).toBe(EXIT.broken);
    expect(JSON.parse(out.text)).toMatchObject({
      ok: false,
      firstBroken: { revision: 1, reason: 'changed' },
    });
    expect(await verify.execute({ customer: customerId })).toBe(EXIT.ok);

    const replay = command(ReplayCommand);
    expect(await replay.execute(other, {})).toBe(EXIT.broken);
    expect(out.text).toContain('BROKEN at revision 1 (changed)');
  });
});

/**
 * The program itself, as an operator runs it: a child process, exit codes as a shell sees them.
 * It needs a server the child process can reach.
 */
describeWithPostgresServer('touchline CLI process', () => {
  const cli = new CliProcessHarness(240_000);

  beforeAll(() => cli.setup());
  afterAll(() => cli.teardown());

  const touchline = (...args: string[]) => cli.run(...args);

  it('exits 0 when intact and 2 when a row was deleted', async () => {
    const customerId = `c-${randomUUID()}`;
    await cli.store.appendToStream(`customer-${customerId}`, purchases(3), 'no_stream');

    const intact = await touchline('verify');
    expect(intact).toMatchObject({ code: 0, stdout: 'Verified 3 events in 1 streams: intact\n' });

    await cli.db.pool.query(
      'DELETE FROM touchline.events WHERE stream_id = $1 AND stream_revision = 1',
      [`customer-${customerId}`],
    );
    const broken = await touchline('verify', '--customer', customerId);
    expect(broken.code).toBe(2);
    expect(broken.stdout).toContain(`customer-${customerId}: BROKEN at revision 1 (deleted)`);
  }, 500_000);
});
