import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AsOfRequestDto } from '../../../snapshots/as-of';

export class RecomputeRfmRequestDto extends AsOfRequestDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3650,
    description: 'Frequency/monetary window in days; default TOUCHLINE_RFM_WINDOW_DAYS (365)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  windowDays?: number;
}
