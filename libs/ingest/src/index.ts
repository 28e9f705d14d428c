export { IngestModule } from './ingest.module';
export { RecordTouchpointsCommand } from './commands/record-touchpoints/record-touchpoints.command';
export type { RecordedTouchpoint } from './commands/record-touchpoints/record-touchpoints.command';
export { StoreErrorsFilter, STORE_RETRY_AFTER_SECONDS } from './http/store-errors.filter';
