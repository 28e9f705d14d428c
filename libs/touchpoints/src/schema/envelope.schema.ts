import { IsDefined, IsIn, IsObject, IsOptional, ValidateIf } from 'class-validator';
import {
  CHANNELS,
  EVENT_TYPES,
  TOUCHPOINT_TYPES,
  type Channel,
  type EventType,
} from '../event-types';
import {
  Nested,
  NumberBetween,
  PartyId,
  Reference,
  Text,
  Timestamp,
  Uuid,
} from './field-decorators';

export class TouchpointMetadataSchema {
  /** The producing system, e.g. "shop-backend" or "urn:touchline:segment:web". */
  @Text(200)
  source!: string;

  /** Ties together everything caused by one request or process (any string, e.g. a trace id). */
  @IsOptional()
  @Reference()
  correlationId?: string;

  /** The id of the message or event that caused this one. */
  @IsOptional()
  @Reference()
  causationId?: string;
}

const PARTY_REQUIRED = 'customerId or anonymousId is required';

/**
 * The fields every touchpoint shares. `data` is checked against its type's schema separately
 * (TOUCHPOINT_CATALOGUE); touchpointSchemaClass(type) gives a class with both for class-validator.
 */
export class TouchpointEnvelopeSchema {
  /** Producer-chosen UUID: the idempotency key. */
  @Uuid()
  eventId!: string;

  @IsIn([...EVENT_TYPES], { message: `type must be one of: ${TOUCHPOINT_TYPES.join(', ')}` })
  type!: EventType;

  @Timestamp()
  occurredAt!: string;

  @ValidateIf((o: TouchpointEnvelopeSchema) => o.customerId != null || o.anonymousId == null)
  @IsDefined({ message: PARTY_REQUIRED })
  @PartyId()
  customerId?: string;

  @IsOptional()
  @PartyId()
  anonymousId?: string;

  @IsIn([...CHANNELS])
  channel!: Channel;

  /** -1 (negative) to 1 (positive), as scored by the producer. */
  @IsOptional()
  @NumberBetween(-1, 1)
  sentiment?: number;

  @IsObject({ message: '$property must be an object' })
  data!: object;

  @Nested(() => TouchpointMetadataSchema)
  metadata!: TouchpointMetadataSchema;
}
