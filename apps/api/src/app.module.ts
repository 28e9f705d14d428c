import { Module, type DynamicModule } from '@nestjs/common';
import { AlertsModule } from '@touchline/alerts';
import { AuthModule } from '@touchline/auth';
import { ConfigModule, type TouchlineConfig } from '@touchline/config';
import { DashboardModule } from '@touchline/dashboard';
import { DatabaseModule } from '@touchline/database';
import { EventStoreModule } from '@touchline/event-store';
import { HealthModule } from '@touchline/health';
import { IngestModule } from '@touchline/ingest';
import { MetricsModule, requestLogging } from '@touchline/metrics';
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
        // JSON lines with request and correlation ids; no bodies, headers or client addresses.
        LoggerModule.forRoot(requestLogging(config.logLevel)),
        MetricsModule,
        AuthModule,
        DatabaseModule,
        EventStoreModule,
        HealthModule,
        DashboardModule,
        IngestModule,
        OpsModule,
        ReadModelsModule,
        AlertsModule,
        // The kafka profile: the one relay (leader by advisory lock) publishes the log to Kafka.
        ...(config.kafkaBrokers ? [RelayModule.forRoot()] : []),
      ],
    };
  }
}
