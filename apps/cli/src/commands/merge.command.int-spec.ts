import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DATABASE } from '@touchline/database';
import { EVENT_STORE, PostgresEventStore, type EventStore } from '@touchline/event-store';
import { listAudit } from '@touchline/ops';
import { TEST_MASTER_KEYS_ENV } from '@touchline/privacy';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import { loadCliConfig } from '../cli-config';
import { CLI_IO, EXIT } from '../cli-io';
import { CliModule } from '../cli.module';
import { MergeCommand, UnmergeCommand } from './merge.command';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

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
  let db: TestDatabase;
  let app: INestApplicationContext;
  let store: EventStore;
  const out = new Capture();
  const err = new Capture();

  beforeAll(async () => {
    db = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({
      imports: [
        CliModule.forRoot(
          loadCliConfig({
            DATABASE_URL: 'postgres://unused@localhost/unused',
            TOUCHLINE_MASTER_KEYS: TEST_MASTER_KEYS_ENV,
          }),
        ),
      ],
    })
      .overrideProvider(DATABASE)
      .useValue({ ...db, close: async () => undefined })
      .overrideProvider(CLI_IO)
      .useValue({ out, err })
      .compile();
    app = await moduleRef.init();
    store = app.get(EVENT_STORE);
  });
  beforeEach(() => {
    out.text = '';
    err.text = '';
  });
  afterAll(async () => {
    await app?.close();
    await db?.destroy();
  });

  it('merges, refuses a second merge, unmerges; exit codes, output and audit under the OS user', async () => {
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

const describeWithServer = process.env.DATABASE_URL ? describe : describe.skip;

describeWithServer('touchline merge, as a process', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const root = resolve(__dirname, '../../../..');

  beforeAll(async () => {
    db = await createTestDatabase();
    await PostgresEventStore.migrate(db.pool);
    store = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    await store?.close();
    await db?.destroy();
  });

  const touchline = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: db.url,
        TOUCHLINE_MASTER_KEYS: TEST_MASTER_KEYS_ENV,
      };
      delete env.TOUCHLINE_API_KEYS;
      delete env.TOUCHLINE_API_KEYS_FILE;
      execFile(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          'apps/cli/src/main.ts',
          ...args,
        ],
        { cwd: root, env, timeout: 240_000 },
        (error, stdout, stderr) =>
          done({
            code: error ? Number((error as { code?: number }).code ?? 1) : 0,
            stdout,
            stderr,
          }),
      );
    });

  it('parses <survivorId> <mergedId> --reason for merge and unmerge', async () => {
    const [s, m] = [await customer(store, 's'), await customer(store, 'm')];
    const merged = await touchline('merge', s, m, '--reason', 'Same person, twice', '--json');
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    expect(JSON.parse(merged.stdout)).toMatchObject({ kind: 'merge', survivorId: s, mergedId: m });
    const undone = await touchline('unmerge', s, m, '--reason', 'siblings');
    expect(undone.code).toBe(0);
    expect(undone.stdout).toContain(`Unmerged customer ${m} from ${s}`);
  }, 500_000);
});
