import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { COMPLAINT_GROUP_BYS, type ComplaintGroupBy } from '../sql/readComplaintServiceLevels';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class ComplaintServiceLevelsRequestDto {
  @ApiPropertyOptional({
    example: '2026-01-01',
    description: 'First day (UTC) of opening, included. Default: 29 days before `to`',
  })
  @IsOptional()
  @Matches(DAY, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-01-31',
    description: 'Last day (UTC) of opening, included. Default: today',
  })
  @IsOptional()
  @Matches(DAY, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({
    enum: COMPLAINT_GROUP_BYS,
    description: 'Also per category, severity or channel of opening (missing values: "unknown")',
  })
  @IsOptional()
  @IsIn(COMPLAINT_GROUP_BYS)
  groupBy?: ComplaintGroupBy;
}

export class DurationPercentilesDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Median, seconds' })
  p50Seconds!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '90th percentile, seconds' })
  p90Seconds!: number | null;
}

export class ComplaintLevelsDto {
  @ApiProperty({ description: 'Complaints opened in the range' }) opened!: number;
  @ApiProperty({ description: 'Of those, with at least one response' }) responded!: number;
  @ApiProperty({ description: 'Of those, resolved now (not reopened since)' }) resolved!: number;
  @ApiProperty({ description: 'Of those, reopened at least once' }) reopened!: number;
  @ApiProperty({
    description: 'Resolved now and followed by a survey answer within 48 h of the resolution',
  })
  surveyedAfterResolution!: number;
  @ApiProperty({
    type: DurationPercentilesDto,
    description: 'Opening to first response, over the complaints with a response',
  })
  timeToFirstResponse!: DurationPercentilesDto;
  @ApiProperty({
    type: DurationPercentilesDto,
    description: 'Opening to the latest resolution, over the complaints resolved now',
  })
  timeToResolution!: DurationPercentilesDto;
  @ApiProperty({ type: Number, nullable: true, description: 'resolved / opened, 0–1' })
  resolutionRate!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'reopened / complaints ever resolved, 0–1',
  })
  reopenRate!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'surveyedAfterResolution / resolved, 0–1',
  })
  surveyFollowUpRate!: number | null;
}

export class ComplaintGroupLevelsDto extends ComplaintLevelsDto {
  @ApiProperty() group!: string;
}

export class ComplaintServiceLevelsDto {
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ enum: COMPLAINT_GROUP_BYS, nullable: true }) groupBy!: ComplaintGroupBy | null;
  @ApiProperty({ type: ComplaintLevelsDto }) overall!: ComplaintLevelsDto;
  @ApiProperty({
    type: [ComplaintGroupLevelsDto],
    description: 'One entry per value seen, in order; empty without groupBy',
  })
  groups!: ComplaintGroupLevelsDto[];
}
