import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig } from '@touchline/config';
import { DATABASE, type Database } from '@touchline/database';
import { jsonBodyParser } from '@touchline/ingest';
import { ProjectionEngine } from '@touchline/projections';
import { READ_MODEL_PROJECTIONS } from '@touchline/read-models';
import { AppModule } from '../../apps/api/src/app.module';

export interface ApiAppOptions {
  /** Nest's default JSON parser instead of the service's own jsonBodyParser. */
  nestBodyParser?: boolean;
  /** Nest's logger off (LOG_LEVEL=silent quiets only the application's). */
  noNestLogger?: boolean;
}

/**
 * The API (AppModule) inside the test process, on `database`, configured from `env` at
 * LOG_LEVEL=silent, parsing JSON with jsonBodyParser as apps/api/src/main.ts does unless told
 * otherwise. Not started yet: the caller runs init() or listen().
 */
export async function createApiApp(
  database: Database,
  env: Record<string, string>,
  options: ApiAppOptions = {},
): Promise<INestApplication> {
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(DATABASE)
    .useValue(database)
    .compile();
  const app = moduleRef.createNestApplication({
    ...(options.nestBodyParser ? {} : { bodyParser: false }),
    ...(options.noNestLogger ? { logger: false as const } : {}),
  });
  if (!options.nestBodyParser) app.use(jsonBodyParser());
  return app;
}

/** Resolves once every read model of `app` has applied `position`; fails the test otherwise. */
export async function readModelsCaughtUp(app: INestApplication, position: string): Promise<void> {
  const names = READ_MODEL_PROJECTIONS.map((p) => p.name);
  const result = await app.get(ProjectionEngine).waitForPosition(names, position, 30_000);
  if (!result.reached) throw new Error(`read models stuck at ${JSON.stringify(result.positions)}`);
}
