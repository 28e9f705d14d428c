export { HealthModule } from './health.module';
export { RELAY_FAILURES_NOT_READY } from './kafka.health';
