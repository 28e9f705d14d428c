import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '@touchline/auth';
import { Readiness, type ReadinessReport } from './readiness';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: Readiness,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process serves HTTP' })
  live() {
    return this.health.check([]);
  }

  /** The process can serve its traffic: 503 with the failing required checks otherwise. */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: the database and the event store answer',
    description:
      '503 when the database or the event store does not answer (within 2.5 s), the failing ' +
      'checks under `error`. The projections and, when configured, Kafka (its brokers, the ' +
      'relay, the inbound consumer) are reported under `details` and never make it 503. ' +
      'See docs/observability.md.',
  })
  async ready(): Promise<ReadinessReport> {
    const report = await this.readiness.check();
    if (report.status !== 'ok') throw new ServiceUnavailableException(report);
    return report;
  }
}
