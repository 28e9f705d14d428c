export { HealthModule, ReadinessModule } from './health.module';
export { Readiness, REQUIRED_CHECKS } from './readiness';
export type { ReadinessReport, CheckResult } from './readiness';
export { CHECK_TIMEOUT_MS } from './event-store.health';
export { RELAY_FAILURES_NOT_READY } from './kafka.health';
