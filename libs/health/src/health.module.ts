import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health';
import { EventStoreHealthIndicator } from './event-store.health';
import { HealthController } from './health.controller';
import { KafkaHealthIndicator } from './kafka.health';
import { ProjectionsHealthIndicator } from './projections.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [
    DatabaseHealthIndicator,
    EventStoreHealthIndicator,
    KafkaHealthIndicator,
    ProjectionsHealthIndicator,
  ],
})
export class HealthModule {}
