export { createKafka, createProducer, DEFAULT_RETRY } from './kafka-client';
export type { CreateKafkaOptions, KafkaLogger, KafkaLogLevelName } from './kafka-client';
export { TOPICS } from './topics';
export type { TopicName } from './topics';
export { InvalidCloudEventError, SPEC_VERSION } from './cloudevents/cloud-event';
export type {
  CloudEvent,
  CloudEventAttributeValue,
  CloudEventData,
  CloudEventError,
  CloudEventErrorCode,
} from './cloudevents/cloud-event';
export {
  toBinaryMessage,
  toStructuredMessage,
  fromKafkaMessage,
  STRUCTURED_JSON_CONTENT_TYPE,
} from './cloudevents/kafka-binding';
export type {
  ContentMode,
  DecodeResult,
  IncomingKafkaMessage,
  OutgoingKafkaMessage,
} from './cloudevents/kafka-binding';
export {
  recordedEventToCloudEvent,
  cloudEventToRecordedEvent,
  TOUCHLINE_EXTENSIONS,
} from './cloudevents/recorded-event';
