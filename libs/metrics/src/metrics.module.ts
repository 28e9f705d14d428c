import {
  Global,
  Inject,
  Injectable,
  Module,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { EVENT_STORE_OBSERVER } from '@touchline/event-store';
import { INGEST_OBSERVER, KafkaInboundConsumer } from '@touchline/ingest';
import { ProjectionEngine } from '@touchline/projections';
import { RELAY, type Relay } from '@touchline/relay';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsHttpController } from './metrics.http.controller';
import { registerStateGauges, sharedProjectionStatus } from './state-gauges';
import { TouchlineMetrics } from './touchline-metrics';

/** A provider of another module, if this application has it (the relay only in the kafka profile). */
function optional<T>(moduleRef: ModuleRef, token: unknown): T | undefined {
  try {
    return moduleRef.get<T>(token as never, { strict: false });
  } catch {
    return undefined;
  }
}

/** Binds the scrape-time gauges to what this process runs, once every module is up. */
@Injectable()
class StateGaugesBinder implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: TouchlineMetrics,
    private readonly moduleRef: ModuleRef,
    @Inject(TOUCHLINE_CONFIG) private readonly config: TouchlineConfig,
  ) {}

  onApplicationBootstrap(): void {
    const engine = optional<ProjectionEngine>(this.moduleRef, ProjectionEngine);
    const relay = optional<Relay>(this.moduleRef, RELAY);
    const inbound = optional<KafkaInboundConsumer>(this.moduleRef, KafkaInboundConsumer);
    registerStateGauges(this.metrics, {
      // The eventstoredb profile runs no projections yet (see ReadModelsLifecycle).
      projections:
        engine && this.config.profile !== 'eventstoredb'
          ? sharedProjectionStatus(engine)
          : undefined,
      relay: relay && (() => relay.status()),
      inboundLag: inbound && this.config.kafkaBrokers ? () => inbound.lag() : undefined,
      inbound: inbound && this.config.kafkaBrokers ? () => inbound.status() : undefined,
    });
  }
}

/**
 * Prometheus metrics: GET /metrics (scope ops), the HTTP timing middleware, and the observers
 * that ingestion and the event store call when the application binds them (both are optional
 * there, so the libraries carry no metrics code). Global, so that those optional tokens resolve
 * from any module.
 */
@Global()
@Module({
  controllers: [MetricsHttpController],
  providers: [
    { provide: TouchlineMetrics, useFactory: () => new TouchlineMetrics() },
    {
      provide: INGEST_OBSERVER,
      inject: [TouchlineMetrics],
      useFactory: (metrics: TouchlineMetrics) => metrics.ingestObserver,
    },
    {
      provide: EVENT_STORE_OBSERVER,
      inject: [TouchlineMetrics],
      useFactory: (metrics: TouchlineMetrics) => metrics.eventStoreObserver,
    },
    HttpMetricsMiddleware,
    StateGaugesBinder,
  ],
  exports: [TouchlineMetrics, INGEST_OBSERVER, EVENT_STORE_OBSERVER],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*path}');
  }
}
