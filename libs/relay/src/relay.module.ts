import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { DATABASE, type Database } from '@touchline/database';
import { EVENT_STORE, type EventStore } from '@touchline/event-store';
import { createKafka } from '@touchline/kafka';
import type { RelayLogger } from './logger';
import { Relay } from './relay';

export const RELAY = Symbol('RELAY');

export interface RelayModuleOptions {
  /** ce_source of published events. Default "/touchline". */
  source?: string;
  /** Most events per Kafka request. Default 500. */
  batchSize?: number;
}

@Injectable()
class RelayLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(RELAY) private readonly relay: Relay) {}

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }
}

/**
 * Runs the relay with the application (kafka profile only): it starts competing for the lead once
 * the app is up and stops, releasing the lock, before the database closes. Import it after
 * EventStoreModule so that it is stopped before the store is closed.
 */
@Module({})
export class RelayModule {
  static forRoot(options: RelayModuleOptions = {}): DynamicModule {
    return {
      module: RelayModule,
      providers: [
        {
          provide: RELAY,
          inject: [TOUCHLINE_CONFIG, DATABASE, EVENT_STORE],
          useFactory: async (config: TouchlineConfig, db: Database, store: EventStore) => {
            if (!config.kafkaBrokers) {
              throw new Error('The relay needs Kafka: set KAFKA_BROKERS (the kafka profile)');
            }
            if (db.kind === 'embedded') {
              // The leader lock needs a connection of its own, beside the pool; the embedded
              // PGlite serves exactly one.
              throw new Error(
                'The relay needs a PostgreSQL server: set DATABASE_URL (the embedded database has a single connection)',
              );
            }
            await Relay.migrate(db.pool);
            const logger = nestLogger(new Logger('Relay'));
            return new Relay({
              pool: db.pool,
              store,
              kafka: createKafka({
                brokers: config.kafkaBrokers,
                clientId: 'touchline-relay',
                logger,
                logLevel: 'warn',
              }),
              source: options.source,
              batchSize: options.batchSize,
              // Lag is counted in touchline.events, which only the PostgreSQL store has.
              backlog: config.eventstoreUrl ? null : undefined,
              logger,
            });
          },
        },
        RelayLifecycle,
      ],
      exports: [RELAY],
    };
  }
}

function nestLogger(logger: Logger): RelayLogger {
  const line = (message: string, fields?: Record<string, unknown>) =>
    fields && Object.keys(fields).length > 0 ? `${message} ${JSON.stringify(fields)}` : message;
  return {
    error: (message, fields) => logger.error(line(message, fields)),
    warn: (message, fields) => logger.warn(line(message, fields)),
    info: (message, fields) => logger.log(line(message, fields)),
    debug: (message, fields) => logger.debug(line(message, fields)),
  };
}
