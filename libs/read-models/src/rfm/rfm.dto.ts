import { ApiProperty } from '@nestjs/swagger';
import { RF_SEGMENT_RULES, type RfmScore, type RfSegment } from '@touchline/analytics';
import type { RfmDistributionView } from './rfm-distribution';

/* OpenAPI shapes of the RFM answers; `implements` keeps them in step with the views. */

export const RF_SEGMENTS = RF_SEGMENT_RULES.map((rule) => rule.segment);
const SCORE = { enum: [1, 2, 3, 4, 5], type: 'integer' } as const;

class ScoreCountDto {
  @ApiProperty(SCORE) score!: RfmScore;
  @ApiProperty() customers!: number;
}

class RfCellDto {
  @ApiProperty(SCORE) r!: RfmScore;
  @ApiProperty(SCORE) f!: RfmScore;
  @ApiProperty({ enum: RF_SEGMENTS }) segment!: RfSegment;
  @ApiProperty({ example: 'Champions' }) label!: string;
  @ApiProperty() customers!: number;
}

class SegmentCountDto {
  @ApiProperty({ enum: RF_SEGMENTS }) segment!: RfSegment;
  @ApiProperty() label!: string;
  @ApiProperty() customers!: number;
}

export class RfmDistributionDto implements RfmDistributionView {
  @ApiProperty({ format: 'date-time', description: 'The instant the snapshot was computed as of' })
  asOf!: string;
  @ApiProperty({ format: 'date-time' }) computedAt!: string;
  @ApiProperty({ description: 'Frequency and monetary count (asOf − windowDays, asOf]' })
  windowDays!: number;
  @ApiProperty({ description: 'Customers with a purchase at or before asOf' }) customers!: number;
  @ApiProperty({ description: 'Time to aggregate and score (ms)' }) durationMs!: number;
  @ApiProperty({ type: [ScoreCountDto] }) r!: ScoreCountDto[];
  @ApiProperty({ type: [ScoreCountDto] }) f!: ScoreCountDto[];
  @ApiProperty({ type: [ScoreCountDto] }) m!: ScoreCountDto[];
  @ApiProperty({ type: [RfCellDto], description: 'R × F, R descending, F ascending' })
  grid!: RfCellDto[];
  @ApiProperty({ type: [SegmentCountDto] }) segments!: SegmentCountDto[];
}

export class CustomerRfmDto {
  @ApiProperty({ description: 'Whole days from the last purchase to asOf' }) recency!: number;
  @ApiProperty({ description: 'Purchases within the window' }) frequency!: number;
  @ApiProperty({ description: 'Purchases − refunds within the window' }) monetary!: number;
  @ApiProperty(SCORE) r!: RfmScore;
  @ApiProperty(SCORE) f!: RfmScore;
  @ApiProperty(SCORE) m!: RfmScore;
  @ApiProperty({ enum: RF_SEGMENTS }) segment!: RfSegment;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
}
