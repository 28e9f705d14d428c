import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CHANNELS,
  PARTY_ID_PATTERN,
  TOUCHPOINT_TYPES,
  type Channel,
  type TouchpointType,
} from '@touchline/touchpoints';

/** The largest batch POST /v1/touchpoints/batch takes. */
export const MAX_BATCH_TOUCHPOINTS = 1_000;

const CATALOGUE = 'docs/events.md';

/*
 * These classes describe the request bodies in OpenAPI and nothing else: requests are checked by
 * the catalogue (validateTouchpoint, validateTouchpointBatch), which is stricter than this schema
 * and an order of magnitude faster than class-validator through a ValidationPipe.
 */

export class TouchpointMetadataDto {
  @ApiProperty({
    description: 'The producing system',
    minLength: 1,
    maxLength: 200,
    example: 'shop-backend',
  })
  source!: string;

  @ApiPropertyOptional({
    description: 'Ties together everything caused by one request or process',
    minLength: 1,
    maxLength: 128,
    example: 'checkout-8c1f2a',
  })
  correlationId?: string;

  @ApiPropertyOptional({
    description: 'The id of the message or event that caused this one',
    minLength: 1,
    maxLength: 128,
    example: 'cmd-place-order-77f1',
  })
  causationId?: string;
}

export class TouchpointRequestDto {
  @ApiProperty({
    description:
      'Producer-chosen UUID, the idempotency key: the same id with the same content is recorded once',
    format: 'uuid',
    example: '3f9a472d-62ff-450c-bff3-7a5a772b6969',
  })
  eventId!: string;

  @ApiProperty({ enum: TOUCHPOINT_TYPES, enumName: 'TouchpointType', example: 'purchase' })
  type!: TouchpointType;

  @ApiProperty({
    description:
      'RFC 3339 date-time with an offset; not more than 5 minutes in the future by the server clock',
    format: 'date-time',
    example: '2026-03-14T15:09:26.535+01:00',
  })
  occurredAt!: string;

  @ApiPropertyOptional({
    description: 'Opaque customer id (customerId or anonymousId is required); names the stream',
    pattern: PARTY_ID_PATTERN.source,
    maxLength: 128,
    example: 'c-10482',
  })
  customerId?: string;

  @ApiPropertyOptional({
    description: 'A visitor not (yet) known as a customer, e.g. a cookie or device id',
    pattern: PARTY_ID_PATTERN.source,
    maxLength: 128,
  })
  anonymousId?: string;

  @ApiProperty({ enum: CHANNELS, enumName: 'Channel', example: 'web' })
  channel!: Channel;

  @ApiPropertyOptional({ minimum: -1, maximum: 1, example: 0.4 })
  sentiment?: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      `The type's fields (see ${CATALOGUE}); free-form extras only under data.attributes ` +
      '(at most 8,192 bytes, 3 levels). Unknown fields anywhere else are refused.',
    example: { orderId: 'SO-2026-004711', amount: 84.97, currency: 'EUR' },
  })
  data!: Record<string, unknown>;

  @ApiProperty({ type: TouchpointMetadataDto })
  metadata!: TouchpointMetadataDto;
}

export class RecordTouchpointsBatchRequestDto {
  @ApiProperty({
    type: [TouchpointRequestDto],
    minItems: 1,
    maxItems: MAX_BATCH_TOUCHPOINTS,
    description:
      'Recorded all or nothing. Each eventId at most once per batch; the body at most 1 MB.',
  })
  touchpoints!: TouchpointRequestDto[];
}
