import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health';
import { EventStoreHealthIndicator } from './event-store.health';
import { HealthController } from './health.controller';
import { KafkaHealthIndicator } from './kafka.health';
import { ProjectionsHealthIndicator } from './projections.health';
import { Readiness } from './readiness';

/**
 * The checks and the readiness policy, without routes: the API serves them through HealthModule,
 * the worker from its own small HTTP server.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  providers: [
    // checks
    DatabaseHealthIndicator,
    EventStoreHealthIndicator,
    KafkaHealthIndicator,
    ProjectionsHealthIndicator,
    // policy
    Readiness,
  ],
  exports: [Readiness, TerminusModule],
})
export class ReadinessModule {}

/** GET /health/live and GET /health/ready for the API. */
@Module({
  imports: [ReadinessModule],
  controllers: [HealthController],
})
export class HealthModule {}
