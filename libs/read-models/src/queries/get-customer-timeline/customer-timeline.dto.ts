import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { JsonObject } from '@touchline/event-store';
import type { TimelineRow } from '../../projections/customer-timeline.projection';
import { PeakEndDto } from '../get-emotion-curve/emotion.dto';

export const MAX_TIMELINE_PAGE = 500;

export class CustomerTimelineRequestDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_TIMELINE_PAGE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TIMELINE_PAGE)
  limit?: number;

  @ApiPropertyOptional({
    enum: ['asc', 'desc'],
    default: 'asc',
    description: 'asc: oldest first; desc: newest first',
  })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

class SurveyAnswerDto {
  @ApiProperty({ enum: ['nps', 'csat', 'ces'] }) kind!: 'nps' | 'csat' | 'ces';
  @ApiProperty() score!: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) touchpointRef!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class TimelineItemDto implements TimelineRow {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ description: 'Touchpoint type (docs/events.md)' }) type!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ description: 'customer-<id> or anonymous-<id>' }) streamId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ type: String, nullable: true }) customerId!: string | null;
  @ApiProperty({ type: String, nullable: true }) anonymousId!: string | null;
  @ApiProperty() channel!: string;
  @ApiProperty() source!: string;
  @ApiProperty({ type: Number, nullable: true, description: '−1..1' }) sentiment!: number | null;
  @ApiProperty({ enum: ['explicit', 'survey', 'text'], nullable: true })
  sentimentSource!: 'explicit' | 'survey' | 'text' | null;
  @ApiProperty({ type: SurveyAnswerDto, nullable: true }) survey!: SurveyAnswerDto | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The event data in its current version, without its personal fields (docs/privacy.md)',
  })
  data!: JsonObject;
  @ApiProperty({
    type: [String],
    description: 'The personal fields of the event: named here, left out of data',
  })
  personalFields!: string[];
}

class TimelineSummaryDto {
  @ApiProperty({ description: 'Touchpoints of the journey with a sentiment' })
  sentimentPoints!: number;
  @ApiProperty({ type: PeakEndDto }) peakEnd!: PeakEndDto;
}

export class CustomerTimelineDto {
  @ApiProperty() customerId!: string;
  @ApiProperty({ type: [String], description: 'The streams the journey is read from' })
  streams!: string[];
  @ApiProperty({ enum: ['asc', 'desc'] }) order!: 'asc' | 'desc';
  @ApiProperty({ type: [TimelineItemDto] }) items!: TimelineItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
  @ApiProperty({
    type: TimelineSummaryDto,
    nullable: true,
    description: 'The whole journey’s peak-end summary, on the first page only',
  })
  summary!: TimelineSummaryDto | null;
}
