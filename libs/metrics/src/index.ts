export { MetricsModule } from './metrics.module';
export { TouchlineMetrics, MAX_SOURCE_LABELS } from './touchline-metrics';
export { registerStateGauges, sharedProjectionStatus } from './state-gauges';
export type { StateSources } from './state-gauges';
export { requestLogging, CORRELATION_ID_HEADER, REQUEST_ID_HEADER } from './request-logging';
