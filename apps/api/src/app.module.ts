import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@touchline/auth';
import { ConfigModule, type TouchlineConfig } from '@touchline/config';
import { DatabaseModule } from '@touchline/database';
import { EventStoreModule } from '@touchline/event-store';
import { HealthModule } from '@touchline/health';
import { IngestModule } from '@touchline/ingest';
import { OpsModule } from '@touchline/ops';
import { ReadModelsModule } from '@touchline/read-models';
import { RelayModule } from '@touchline/relay';
import { LoggerModule } from 'nestjs-pino';

/** The API process: wiring only. What it serves lives in libs/. */
@Module({})
export class AppModule {
  static forRoot(config: TouchlineConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Bodies carry personal data: never log them, nor credentials.
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
          },
        }),
        AuthModule,
        DatabaseModule,
        EventStoreModule,
        HealthModule,
        IngestModule,
        OpsModule,
        ReadModelsModule,
        // The kafka profile: the one relay (leader by advisory lock) publishes the log to Kafka.
        ...(config.kafkaBrokers ? [RelayModule.forRoot()] : []),
      ],
    };
  }
}
