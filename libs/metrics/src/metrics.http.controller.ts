import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@touchline/auth';
import { prometheusContentType } from 'prom-client';
import { TouchlineMetrics } from './touchline-metrics';

/**
 * Prometheus scrapes this with an `ops` key (scrape_config `authorization: { credentials: … }`):
 * the metrics name projections, sources and lags, which is operational detail, not public.
 */
@ApiTags('ops')
@RequireScope('ops')
@Controller('metrics')
export class MetricsHttpController {
  constructor(private readonly metrics: TouchlineMetrics) {}

  @Get()
  @Header('Content-Type', prometheusContentType)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'Text exposition format 0.0.4: ingestion, latencies, group-commit batches, projection, relay ' +
      'and Kafka lags, dead letters, rebuild progress, process metrics. See docs/observability.md.',
  })
  @ApiProduces(prometheusContentType)
  @ApiOkResponse({ description: 'The metrics', schema: { type: 'string' } })
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
