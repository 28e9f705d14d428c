import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DATABASE } from '@touchline/database';
import { EVENT_STORE, PostgresEventStore, type EventStore } from '@touchline/event-store';
import { TEST_MASTER_KEYS_ENV } from '@touchline/privacy';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import { loadCliConfig } from '../cli-config';
import { CLI_IO } from '../cli-io';
import { CliModule } from '../cli.module';

/** Keeps what the commands write, in place of stdout or stderr. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/**
 * The CLI's own wiring (CliModule) on the suite's database, its output written to `io`. The suite
 * owns the database: closing the application leaves it open.
 */
export async function cliApplication(
  db: TestDatabase,
  io: { out: Capture; err: Capture },
  masterKeys = TEST_MASTER_KEYS_ENV,
): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      CliModule.forRoot(
        loadCliConfig({
          DATABASE_URL: 'postgres://unused@localhost/unused',
          TOUCHLINE_MASTER_KEYS: masterKeys,
        }),
      ),
    ],
  })
    .overrideProvider(DATABASE)
    .useValue({ ...db, close: async () => undefined })
    .overrideProvider(CLI_IO)
    .useValue(io)
    .compile();
  return moduleRef.init();
}

/**
 * The commands in-process on a fresh database, as a suite's hooks set them up: `setup()` in
 * beforeAll, `clearOutput()` in beforeEach, `teardown()` in afterAll.
 */
export class CliHarness {
  readonly out = new Capture();
  readonly err = new Capture();
  db!: TestDatabase;
  app!: INestApplicationContext;
  store!: EventStore;

  async setup(): Promise<void> {
    this.db = await createTestDatabase();
    this.app = await cliApplication(this.db, { out: this.out, err: this.err });
    this.store = this.app.get(EVENT_STORE);
  }

  clearOutput(): void {
    this.out.text = '';
    this.err.text = '';
  }

  async teardown(): Promise<void> {
    await this.app?.close();
    await this.db?.destroy();
  }
}

const REPO_ROOT = resolve(__dirname, '../../../..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `touchline <args>` as an operator runs it: a child process from the TypeScript sources (ts-node,
 * so no build is needed) with DATABASE_URL and the test master keys and no API keys, its exit code
 * as a shell sees it.
 */
export function runCli(databaseUrl: string, args: string[], timeoutMs: number): Promise<CliRun> {
  return new Promise((done) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
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
      { cwd: REPO_ROOT, env, timeout: timeoutMs },
      (error, stdout, stderr) =>
        done({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

/**
 * The program as a child process (runCli) on a fresh, migrated database that the suite fills
 * through `store`. Needs a server the child can reach: use it under describeWithPostgresServer.
 */
export class CliProcessHarness {
  db!: TestDatabase;
  store!: PostgresEventStore;

  constructor(private readonly timeoutMs: number) {}

  async setup(): Promise<void> {
    this.db = await createTestDatabase();
    await PostgresEventStore.migrate(this.db.pool);
    this.store = new PostgresEventStore(this.db.pool);
  }

  async teardown(): Promise<void> {
    await this.store?.close();
    await this.db?.destroy();
  }

  /** `touchline <args>` on this database. */
  run(...args: string[]): Promise<CliRun> {
    return runCli(this.db.url, args, this.timeoutMs);
  }
}
