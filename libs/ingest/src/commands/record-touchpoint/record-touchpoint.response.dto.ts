import { ApiProperty } from '@nestjs/swagger';
import type { RecordedTouchpoint } from '../record-touchpoints/record-touchpoints.command';

/** What a 202 says about each touchpoint (OpenAPI documentation of RecordedTouchpoint). */
export class RecordedTouchpointDto implements RecordedTouchpoint {
  @ApiProperty({ format: 'uuid', example: '3f9a472d-62ff-450c-bff3-7a5a772b6969' })
  eventId!: string;

  @ApiProperty({
    enum: ['appended', 'duplicate'],
    description:
      '"duplicate": this eventId was already recorded with the same content; nothing was appended ' +
      'and the fields below describe the original',
    example: 'appended',
  })
  status!: 'appended' | 'duplicate';

  @ApiProperty({
    description: 'The stream: customer-<customerId>, or anonymous-<anonymousId>',
    example: 'customer-c-10482',
  })
  stream!: string;

  @ApiProperty({ description: '0-based revision of the event in its stream', example: 17 })
  revision!: number;

  @ApiProperty({
    description:
      'Opaque, ordered position of the event in the global log. Hand it to readers to read your ' +
      'own write (they wait until their read models have caught up with it)',
    example: '771-48213',
  })
  position!: string;
}

export class RecordTouchpointsBatchResponseDto {
  @ApiProperty({
    type: [RecordedTouchpointDto],
    description: 'One result per touchpoint, in the order sent',
  })
  results!: RecordedTouchpointDto[];
}
