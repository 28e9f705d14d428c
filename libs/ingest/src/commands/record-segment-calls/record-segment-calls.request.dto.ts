import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_BATCH_CALLS, SEGMENT_ROUTES } from './segment-mapping';

/*
 * These classes describe Segment's request bodies in OpenAPI and nothing else: requests are
 * checked by mapSegmentRequest and then by the catalogue. Fields not listed (integrations,
 * _metadata, version, writeKey) are accepted and ignored, as Segment does.
 */

const TIME =
  'ISO 8601 date-time with a time zone. occurredAt = timestamp, corrected by receivedAt − sentAt ' +
  'when the client clock is off by more than 60 s (docs/api.md)';

export class SegmentCallDto {
  @ApiProperty({
    description:
      'The idempotency key: the same messageId is recorded once. A UUID is used as the eventId; ' +
      'anything else gives a stable UUIDv5 of it.',
    example: 'node-next-1773497366535-3f9a472d-62ff-450c-bff3-7a5a772b6969',
  })
  messageId!: string;

  @ApiPropertyOptional({
    description: 'The customer: becomes customerId (stream customer-<userId>). An opaque id.',
    example: 'c-10482',
  })
  userId?: string;

  @ApiPropertyOptional({
    description:
      'A visitor not (yet) known: becomes anonymousId. userId or anonymousId is required.',
    example: 'anon-7f3b9c2e',
  })
  anonymousId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: `When it happened. ${TIME}` })
  timestamp?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Read when timestamp is absent (Segment exports carry it)',
  })
  originalTimestamp?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: "The client's clock when it sent the request; the batch's applies otherwise",
  })
  sentAt?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Segment context. Read: channel (a touchline channel overrides detection), library.name ' +
      '(browser → web, mobile → app), page.url/title/referrer. Nothing else is stored.',
  })
  context?: Record<string, unknown>;
}

export class SegmentTrackDto extends SegmentCallDto {
  @ApiProperty({
    description: 'The action; mapped by name (docs/api.md)',
    example: 'Order Completed',
  })
  event!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { order_id: 'SO-2026-004711', total: 84.97, currency: 'EUR' },
  })
  properties?: Record<string, unknown>;
}

export class SegmentIdentifyDto extends SegmentCallDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Become profile.updated attributes (email, name, firstName, lastName, phone, birthday, ' +
      'address are checked by the catalogue)',
    example: { email: 'jana.novak@example.com', firstName: 'Jana', plan: 'gold' },
  })
  traits?: Record<string, unknown>;
}

export class SegmentAliasDto extends SegmentCallDto {
  @ApiProperty({
    description: 'The earlier id: an anonymous id (when equal to anonymousId) or an earlier userId',
    example: 'legacy-7781',
  })
  previousId!: string;
}

export class SegmentPageDto extends SegmentCallDto {
  @ApiPropertyOptional({ example: 'Mug detail' })
  name?: string;

  @ApiPropertyOptional({ description: 'Becomes browse.pageType', example: 'product' })
  category?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { url: 'https://shop.example.com/p/mug-stone', title: 'Stoneware mug' },
  })
  properties?: Record<string, unknown>;
}

export class SegmentScreenDto extends SegmentPageDto {}

export class SegmentGroupDto extends SegmentCallDto {
  @ApiProperty({ example: 'acme-corp' })
  groupId!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  traits?: Record<string, unknown>;
}

export class SegmentBatchCallDto extends SegmentCallDto {
  @ApiProperty({ enum: SEGMENT_ROUTES.filter((r) => r !== 'batch'), example: 'track' })
  type!: string;

  @ApiPropertyOptional({ description: 'track: the action' })
  event?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  properties?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  traits?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'alias: the earlier id' })
  previousId?: string;

  @ApiPropertyOptional({ description: 'page and screen: the name' })
  name?: string;

  @ApiPropertyOptional({ description: 'page and screen: the category' })
  category?: string;

  @ApiPropertyOptional({ description: 'group: the group' })
  groupId?: string;
}

export class SegmentBatchDto {
  @ApiProperty({
    type: [SegmentBatchCallDto],
    minItems: 1,
    maxItems: MAX_BATCH_CALLS,
    description:
      'Recorded all or nothing: at most 2,500 calls, 32 KB each and 500 KB in all (as compact JSON)',
  })
  batch!: SegmentBatchCallDto[];

  @ApiPropertyOptional({
    format: 'date-time',
    description: "The client's clock when it sent the batch",
  })
  sentAt?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "Merged under each call's own context",
  })
  context?: Record<string, unknown>;
}
