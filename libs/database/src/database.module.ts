import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { openDatabase, type Database } from './database';

export const DATABASE = Symbol('DATABASE');

@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database) {}
  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}

/**
 * The one PostgreSQL database of the process: the server named by DATABASE_URL, or the embedded
 * PGlite in TOUCHLINE_DATA_DIR. Closed last, after everything that uses it has stopped.
 */
@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [TOUCHLINE_CONFIG],
      useFactory: (config: TouchlineConfig) =>
        openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }),
    },
    DatabaseCloser,
  ],
  exports: [DATABASE],
})
export class DatabaseModule {}
