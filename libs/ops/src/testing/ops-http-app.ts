import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthModule } from '@touchline/auth';
import { ConfigModule, loadConfig } from '@touchline/config';
import { DATABASE, DatabaseModule } from '@touchline/database';
import { EventStoreModule } from '@touchline/event-store';
import { TEST_MASTER_KEYS_ENV } from '@touchline/privacy';
import type { TestDatabase } from '@touchline/testing';
import { OpsModule } from '../ops.module';

/** One API key per scope, as opsHttpApp configures them. */
export const KEYS = {
  ops: 'ops-secret-0123456789',
  admin: 'root-secret-0123456789',
  ingest: 'shop-secret-0123456789',
  analyst: 'analyst-secret-0123456789',
};

/**
 * The ops routes over HTTP on the suite's database: configuration (the test master keys and the
 * keys above), database, event store, auth, the `modules` given, and OpsModule. Initialised; the
 * suite owns the database, so closing the app leaves it open.
 */
export async function opsHttpApp(
  db: TestDatabase,
  modules: (Type<unknown> | DynamicModule)[] = [],
): Promise<INestApplication> {
  const config = loadConfig({
    DATABASE_URL: 'postgres://unused@localhost/unused',
    TOUCHLINE_MASTER_KEYS: TEST_MASTER_KEYS_ENV,
    TOUCHLINE_API_KEYS: [
      `ops:${KEYS.ops}:ops`,
      `root:${KEYS.admin}:admin`,
      `shop:${KEYS.ingest}:ingest`,
      `analyst:${KEYS.analyst}:analyst`,
    ].join(','),
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      DatabaseModule,
      EventStoreModule,
      AuthModule,
      ...modules,
      OpsModule,
    ],
  })
    .overrideProvider(DATABASE)
    .useValue({ ...db, close: async () => undefined })
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}
