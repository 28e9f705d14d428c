export { IngestModule } from './ingest.module';
export { RecordTouchpointsCommand } from './commands/record-touchpoints/record-touchpoints.command';
export type { RecordedTouchpoint } from './commands/record-touchpoints/record-touchpoints.command';
export { StoreErrorsFilter, STORE_RETRY_AFTER_SECONDS } from './http/store-errors.filter';
export { jsonBodyParser, RequestBodyError, JSON_BODY_LIMIT_BYTES } from './http/json-body-parser';
export { RequestBodyErrorsFilter } from './http/request-body-errors.filter';
export { JsonBody } from './http/json-body.decorator';
export {
  ErrorResponseDto,
  ValidationErrorResponseDto,
  ValidationIssueDto,
  ConflictResponseDto,
} from './http/error-response.dto';
export { MAX_BATCH_TOUCHPOINTS } from './commands/record-touchpoint/record-touchpoint.request.dto';
export { KafkaInboundModule } from './kafka-inbound/kafka-inbound.module';
export {
  KafkaInboundConsumer,
  KAFKA_INBOUND_OPTIONS,
  KAFKA_INBOUND_RESTART_BACKOFF,
  type KafkaInboundOptions,
  type KafkaInboundState,
  type KafkaInboundStatus,
} from './kafka-inbound/kafka-inbound.consumer';
export {
  InboundConsumer,
  INBOUND_GROUP_ID,
  type InboundConsumerOptions,
  type InboundGroupJoin,
} from './kafka-inbound/inbound-consumer';
export { DEAD_LETTER_HEADERS } from './kafka-inbound/dead-letter';
export type { DeadLetterReason } from './kafka-inbound/inbound-message.decoder';
export { INBOUND_EXTENSIONS } from './kafka-inbound/cloud-event.mapping';
export { eventIdForCloudEvent, CLOUDEVENT_ID_NAMESPACE } from './kafka-inbound/stable-event-id';
export { INGEST_OBSERVER } from './ingest.observer';
export type { IngestObserver, IngestEntryPoint } from './ingest.observer';
