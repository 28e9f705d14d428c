export {
  TOUCHPOINT_TYPES,
  SYSTEM_EVENT_TYPES,
  EVENT_TYPES,
  CHANNELS,
  SEVERITIES,
  isTouchpointType,
  isEventType,
} from './event-types';
export type { TouchpointType, SystemEventType, EventType, Channel, Severity } from './event-types';

export { TOUCHPOINT_CATALOGUE, CURRENT_VERSIONS, eventTypeDefinition } from './catalogue';
export type {
  EventDataMap,
  EventEnvelope,
  EventTypeDefinition,
  JourneyEvent,
  SystemEvent,
  Touchpoint,
  TouchpointMetadata,
} from './catalogue';

export * from './schema/commerce.schema';
export * from './schema/complaint.schema';
export * from './schema/survey.schema';
export * from './schema/engagement.schema';
export * from './schema/loyalty.schema';
export * from './schema/identity.schema';
export * from './schema/system.schema';
export { TouchpointEnvelopeSchema, TouchpointMetadataSchema } from './schema/envelope.schema';
export { PARTY_ID_PATTERN, MAX_AMOUNT, MAX_AMOUNT_DECIMALS } from './schema/field-decorators';

export {
  validateTouchpoint,
  validateJourneyEvent,
  validateTouchpointBatch,
  validateEventData,
  MAX_REPORTED_ERRORS,
} from './validation/validate-touchpoint';
export type {
  ValidationIssue,
  ValidationResult,
  BatchValidationResult,
  ValidateOptions,
} from './validation/validate-touchpoint';
export { touchpointSchemaClass } from './validation/class-validator-reference';
export {
  ATTRIBUTES_MAX_BYTES,
  ATTRIBUTES_MAX_DEPTH,
  ATTRIBUTE_KEY_MAX_LENGTH,
  PROFILE_ATTRIBUTE_RULES,
} from './rules/attributes';
export { MAX_CLOCK_SKEW_MS } from './rules/timestamp';

export {
  toEventToAppend,
  fromRecordedEvent,
  streamIdFor,
  parseStreamId,
  CUSTOMER_STREAM_PREFIX,
  ANONYMOUS_STREAM_PREFIX,
} from './to-event';
export type { StoredEvent } from './to-event';

export {
  UpcasterRegistry,
  UpcastError,
  touchpointUpcasters,
  TOUCHPOINT_UPCASTERS,
} from './upcasting';
export type { Upcaster, UpcastContext, UpcasterDefinition, VersionedEvent } from './upcasting';

export { personalFields, splitPersonalData, mergePersonalData } from './personal-data';
export type { SplitData } from './personal-data';

export { touchpointExample, allTouchpointExamples } from './examples';
