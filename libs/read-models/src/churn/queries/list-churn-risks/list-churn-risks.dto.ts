import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ChurnBand } from '@touchline/analytics';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { BANDS, ChurnReasonDto } from '../../churn.dto';
import type { ChurnRiskItem, ChurnRiskPage } from './list-churn-risks.query';

export const MAX_CHURN_PAGE = 500;

export class ListChurnRisksRequestDto {
  @ApiPropertyOptional({ enum: BANDS })
  @IsOptional()
  @IsIn(BANDS)
  band?: ChurnBand;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (same band)' })
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CHURN_PAGE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_CHURN_PAGE)
  limit?: number;
}

class ChurnRiskItemDto implements ChurnRiskItem {
  @ApiProperty() customerId!: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) score!: number;
  @ApiProperty({ enum: BANDS }) band!: ChurnBand;
  @ApiProperty() pAlive!: number;
  @ApiProperty({ type: Number, nullable: true }) expectedPurchases90d!: number | null;
  @ApiProperty({ type: Number, nullable: true }) expectedOrderValue!: number | null;
  @ApiProperty({ type: Number, nullable: true }) clv12m!: number | null;
  @ApiProperty({ description: 'score / 100 × clv12m: the sort key' }) valueAtRisk!: number;
  @ApiProperty({ type: [ChurnReasonDto] }) reasons!: ChurnReasonDto[];
  @ApiProperty() repeatPurchases!: number;
  @ApiProperty({ description: 'Days since the last purchase day' }) recencyDays!: number;
}

export class ChurnRiskPageDto implements ChurnRiskPage {
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) asOf!: string | null;
  @ApiProperty({ type: [ChurnRiskItemDto] }) items!: ChurnRiskItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
