import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ChurnBand, RfSegment } from '@touchline/analytics';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PROFILE_SORT_FIELDS } from '../../sql/listProfiles';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../../rules/lifecycle';
import { TIERS, type Tier } from '../../rules/tier';
import { BANDS } from '../../churn/churn.dto';
import { RF_SEGMENTS } from '../../rfm/rfm.dto';
import { CustomerProfileDto } from '../get-customer/customer-profile.dto';

/** A sort field, descending with a leading minus. */
export const CUSTOMER_SORTS = PROFILE_SORT_FIELDS.flatMap((f) => [f, `-${f}`] as const);
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];
export const MAX_PAGE = 500;

export class ListCustomersRequestDto {
  @ApiPropertyOptional({ enum: TIERS })
  @IsOptional()
  @IsIn(TIERS)
  tier?: Tier;

  @ApiPropertyOptional({ enum: LIFECYCLE_STAGES })
  @IsOptional()
  @IsIn(LIFECYCLE_STAGES)
  lifecycle?: LifecycleStage;

  @ApiPropertyOptional({ enum: RF_SEGMENTS, description: 'RF segment in the RFM snapshot' })
  @IsOptional()
  @IsIn(RF_SEGMENTS)
  segment?: RfSegment;

  @ApiPropertyOptional({ enum: BANDS, description: 'Churn risk band in the churn snapshot' })
  @IsOptional()
  @IsIn(BANDS)
  risk?: ChurnBand;

  @ApiPropertyOptional({
    enum: CUSTOMER_SORTS,
    default: '-lastSeenAt',
    description:
      'A field, descending with a leading minus; ties by customer id. churnRisk (score), clv (12-month CLV) and valueAtRisk (score/100 × CLV) list only customers the churn snapshot scored.',
  })
  @IsOptional()
  @IsIn(CUSTOMER_SORTS)
  sort?: CustomerSort;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;
}

export class CustomerPageDto {
  @ApiProperty({ type: [CustomerProfileDto] }) items!: CustomerProfileDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page' })
  nextCursor!: string | null;
}
