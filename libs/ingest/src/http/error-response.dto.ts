import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The body of every error answer (OpenAPI documentation only). */
export class ErrorResponseDto {
  @ApiProperty({ example: 415 })
  statusCode!: number;

  @ApiProperty({ example: 'Unsupported Media Type' })
  error!: string;

  @ApiProperty({ example: 'Content-Type must be application/json, got "text/plain"' })
  message!: string;
}

export class ValidationIssueDto {
  @ApiProperty({
    description: 'JSON path of the offending value; "" is the body itself',
    example: 'touchpoints[3].data.amount',
  })
  path!: string;

  @ApiProperty({ example: 'amount must not be less than 0' })
  message!: string;
}

export class ValidationErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'The batch is invalid; nothing was recorded' })
  message!: string;

  @ApiPropertyOptional({
    type: [ValidationIssueDto],
    description:
      'Every problem found (at most 100, then a last line saying how many more), each with its ' +
      'JSON path. Absent when the body could not be parsed at all.',
  })
  errors?: ValidationIssueDto[];
}

export class ConflictResponseDto {
  @ApiProperty({ example: 409 })
  statusCode!: number;

  @ApiProperty({ example: 'Conflict' })
  error!: string;

  @ApiProperty({
    example:
      'eventId 3f9a472d-62ff-450c-bff3-7a5a772b6969 is already recorded with different content',
  })
  message!: string;

  @ApiPropertyOptional({
    description: 'The event id already recorded with other content',
    example: '3f9a472d-62ff-450c-bff3-7a5a772b6969',
  })
  eventId?: string;
}
