import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CHANNELS, TOUCHPOINT_TYPES, type Channel } from '@touchline/touchpoints';
import { INTERVALS, type Interval } from '../../rules/calendar';
import { TIERS } from '../../rules/tier';
import { RF_SEGMENTS } from '../../rfm/rfm.dto';
import { NO_CUSTOMER, UNSCORED } from '../../sql/countSurveyAnswersByCustomer';

export const GROUP_BYS = ['channel', 'type', 'tier', 'segment'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
/** What `type` can be: the type of the touchpoint answered about, or why there is none. */
export const ABOUT_TYPES = [...TOUCHPOINT_TYPES, 'unspecified', 'unknown'] as const;
/** What `tier` can be: the customer's current tier, or unknown (an unclaimed anonymous visitor). */
export const ANSWER_TIERS = [...TIERS, NO_CUSTOMER] as const;
/** What `segment` can be: the customer's RF segment in the current RFM snapshot, or why none. */
export const ANSWER_SEGMENTS = [...RF_SEGMENTS, UNSCORED, NO_CUSTOMER] as const;
export const MAX_BUCKETS = 1_000;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class SurveyTrendRequestDto {
  @ApiPropertyOptional({
    example: '2026-01-01',
    description:
      'First day (UTC), included; rounded down to its bucket. Default: 11 buckets before `to`',
  })
  @IsOptional()
  @Matches(DAY, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-03-31',
    description: 'Last day (UTC), included; rounded up to its bucket. Default: today',
  })
  @IsOptional()
  @Matches(DAY, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ enum: INTERVALS, default: 'week', description: 'Weeks start on Monday' })
  @IsOptional()
  @IsIn(INTERVALS)
  interval?: Interval;

  @ApiPropertyOptional({
    enum: GROUP_BYS,
    description:
      'channel of the answer, type of the touchpoint the answer is about, or the current tier / RF segment (current RFM snapshot) of the customer the answer counts for (docs/read-models.md#survey-trends)',
  })
  @IsOptional()
  @IsIn(GROUP_BYS)
  groupBy?: GroupBy;

  @ApiPropertyOptional({ enum: CHANNELS, description: 'Only answers given in this channel' })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({
    enum: ABOUT_TYPES,
    description:
      'Only answers about a touchpoint of this type (unspecified: no touchpointRef; unknown: the reference is not in the timeline)',
  })
  @IsOptional()
  @IsIn(ABOUT_TYPES)
  type?: string;

  @ApiPropertyOptional({
    enum: ANSWER_TIERS,
    description:
      'Only answers of customers whose tier is this now (unknown: anonymous answers no customer has claimed)',
  })
  @IsOptional()
  @IsIn(ANSWER_TIERS)
  tier?: string;

  @ApiPropertyOptional({
    enum: ANSWER_SEGMENTS,
    description:
      'Only answers of customers in this RF segment of the current RFM snapshot (unscored: not in it; unknown: no customer)',
  })
  @IsOptional()
  @IsIn(ANSWER_SEGMENTS)
  segment?: string;
}

export class MetricChangeDto {
  @ApiProperty({ type: Number, nullable: true }) previous!: number | null;
  @ApiProperty({ type: Number, nullable: true }) current!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'current − previous' })
  change!: number | null;
  @ApiProperty({ type: Number, nullable: true }) standardError!: number | null;
  @ApiProperty({ type: Number, nullable: true }) z!: number | null;
  @ApiProperty({ description: '|z| > 1.96 (two-sided, 5%)' }) significant!: boolean;
}

class PointBase {
  @ApiProperty({ format: 'date', description: 'First day of the bucket' }) start!: string;
  @ApiProperty({ format: 'date', description: 'Last day of the bucket' }) end!: string;
  @ApiProperty({ description: 'Answers; 0 for an empty bucket, whose metrics are null' })
  n!: number;
}

export class NpsPointDto extends PointBase {
  @ApiProperty({ description: 'Answers 9–10' }) promoters!: number;
  @ApiProperty({ description: 'Answers 7–8' }) passives!: number;
  @ApiProperty({ description: 'Answers 0–6' }) detractors!: number;
  @ApiProperty({ type: Number, nullable: true, description: '−100..100' }) nps!: number | null;
  @ApiProperty({ type: Number, nullable: true }) standardError!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '95% margin of error: 1.96·100·sqrt((p + d − (p − d)²)/n)',
  })
  marginOfError!: number | null;
  @ApiProperty({ type: MetricChangeDto, description: 'NPS against the previous bucket' })
  change!: MetricChangeDto;
}

class CsatChangeDto {
  @ApiProperty({ type: MetricChangeDto }) csat!: MetricChangeDto;
  @ApiProperty({ type: MetricChangeDto }) mean!: MetricChangeDto;
}

export class CsatPointDto extends PointBase {
  @ApiProperty({ description: 'Answers 4–5' }) satisfied!: number;
  @ApiProperty({ type: Number, nullable: true, description: '% of answers 4–5' })
  csat!: number | null;
  @ApiProperty({ type: Number, nullable: true }) csatStandardError!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Mean answer, 1–5' })
  mean!: number | null;
  @ApiProperty({ type: Number, nullable: true }) meanStandardError!: number | null;
  @ApiProperty({ type: CsatChangeDto }) change!: CsatChangeDto;
}

class CesChangeDto {
  @ApiProperty({ type: MetricChangeDto, description: 'Negative is better (less effort)' })
  mean!: MetricChangeDto;
}

export class CesPointDto extends PointBase {
  @ApiProperty({ type: Number, nullable: true, description: 'Mean answer, 1–7' })
  mean!: number | null;
  @ApiProperty({ type: Number, nullable: true }) standardError!: number | null;
  @ApiProperty({ type: CesChangeDto }) change!: CesChangeDto;
}

function trendDto<P>(point: new () => P, kind: string) {
  class Series {
    @ApiProperty({ type: String, nullable: true, description: 'The group; null without groupBy' })
    group!: string | null;
    @ApiProperty({ type: [point] }) points!: P[];
  }
  class Trend {
    @ApiProperty({ enum: ['nps', 'csat', 'ces'], example: kind }) kind!: string;
    @ApiProperty({ enum: INTERVALS }) interval!: Interval;
    @ApiProperty({ format: 'date', description: 'First day of the first bucket' }) from!: string;
    @ApiProperty({ format: 'date', description: 'Last day of the last bucket' }) to!: string;
    @ApiProperty({ enum: GROUP_BYS, nullable: true }) groupBy!: GroupBy | null;
    @ApiProperty({ type: [Series] }) series!: Series[];
  }
  Object.defineProperty(Series, 'name', {
    value: `${kind[0]!.toUpperCase()}${kind.slice(1)}SeriesDto`,
  });
  Object.defineProperty(Trend, 'name', {
    value: `${kind[0]!.toUpperCase()}${kind.slice(1)}TrendDto`,
  });
  return Trend;
}

export const NpsTrendDto = trendDto(NpsPointDto, 'nps');
export const CsatTrendDto = trendDto(CsatPointDto, 'csat');
export const CesTrendDto = trendDto(CesPointDto, 'ces');
