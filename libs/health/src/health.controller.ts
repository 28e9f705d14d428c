import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthIndicatorFunction } from '@nestjs/terminus';
import { Public } from '@touchline/auth';
import { DatabaseHealthIndicator } from './database.health';
import { EventStoreHealthIndicator } from './event-store.health';
import { KafkaHealthIndicator } from './kafka.health';
import { ProjectionsHealthIndicator } from './projections.health';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly eventStore: EventStoreHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly projections: ProjectionsHealthIndicator,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process serves HTTP' })
  live() {
    return this.health.check([]);
  }

  /** The process can do its work: 503 with the failing checks otherwise. */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: database, event store, Kafka (when configured), projection heartbeats',
    description:
      '503 with the failing checks named under `error`: e.g. `error.projections.unhealthy` lists ' +
      'the projections that failed or stalled. See docs/observability.md.',
  })
  ready() {
    const checks: HealthIndicatorFunction[] = [
      () => this.database.check(),
      () => this.eventStore.check(),
      () => this.projections.check(),
    ];
    if (this.kafka.configured) checks.push(() => this.kafka.check());
    return this.health.check(checks);
  }
}
