import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { RfmScore, RfSegment } from '@touchline/analytics';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { RF_SEGMENTS } from '../../rfm.dto';
import type { RfmCustomerItem, RfmCustomerPage } from './list-rfm-customers.query';

export const MAX_RFM_PAGE = 500;
const SCORE = { enum: [1, 2, 3, 4, 5], type: 'integer' } as const;

export class ListRfmCustomersRequestDto {
  @ApiPropertyOptional({ enum: RF_SEGMENTS })
  @IsOptional()
  @IsIn(RF_SEGMENTS)
  segment?: RfSegment;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (same segment)' })
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_RFM_PAGE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_RFM_PAGE)
  limit?: number;
}

class RfmCustomerDto implements RfmCustomerItem {
  @ApiProperty() customerId!: string;
  @ApiProperty({ description: 'Whole days from the last purchase to asOf' }) recency!: number;
  @ApiProperty({ description: 'Purchases within the window' }) frequency!: number;
  @ApiProperty({ description: 'Purchases − refunds within the window' }) monetary!: number;
  @ApiProperty(SCORE) r!: RfmScore;
  @ApiProperty(SCORE) f!: RfmScore;
  @ApiProperty(SCORE) m!: RfmScore;
  @ApiProperty({ enum: RF_SEGMENTS }) segment!: RfSegment;
  @ApiProperty({ format: 'date-time' }) lastPurchaseAt!: string;
}

export class RfmCustomerPageDto implements RfmCustomerPage {
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) asOf!: string | null;
  @ApiProperty({ type: [RfmCustomerDto] }) items!: RfmCustomerDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page' })
  nextCursor!: string | null;
}
