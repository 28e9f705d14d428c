import { Module, type DynamicModule } from '@nestjs/common';
import { AlertsModule } from '@touchline/alerts';
import { ConfigModule, type TouchlineConfig } from '@touchline/config';
import { DatabaseModule } from '@touchline/database';
import { EventStoreModule } from '@touchline/event-store';
import { ReadinessModule } from '@touchline/health';
import { ReadModelsModule } from '@touchline/read-models';
import { RelayModule } from '@touchline/relay';
import { LoggerModule } from 'nestjs-pino';
import { requestLogging } from '@touchline/metrics';

/**
 * The worker process: runs the projections (kafka profile: the consumer groups on
 * touchline.journey.v1; postgres profile: the in-process feed), the scheduled RFM and churn jobs,
 * alerts, and, in the kafka profile, the relay.
 * It serves no API; main.ts answers /health and /status on its port, with the readiness policy
 * and checks of libs/health (ReadinessModule). Wiring only.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: TouchlineConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        // The worker exists to run the projections, whatever TOUCHLINE_RUN_PROJECTIONS says for the API.
        ConfigModule.forRoot({ ...config, runProjections: true }),
        LoggerModule.forRoot(requestLogging(config.logLevel)),
        DatabaseModule,
        EventStoreModule,
        ReadModelsModule,
        // The churn refit may run here (whichever process takes its job lock): its band rises are
        // alerted in the refit's own transaction. Detection, the first-response timer and
        // delivery are safe in several processes. No routes: the worker is an application context.
        AlertsModule,
        ReadinessModule,
        // After the store: stopped (its lock released) before the store closes.
        ...(config.kafkaBrokers ? [RelayModule.forRoot()] : []),
      ],
    };
  }
}
