import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PARTY_ID_PATTERN } from '@touchline/touchpoints';
import { ALERT_KINDS, DELIVERY_STATES, type AlertKind, type DeliveryState } from '../../alert';

export const MAX_ALERTS_PAGE = 500;

export class ListAlertsRequestDto {
  @ApiPropertyOptional({ enum: ALERT_KINDS })
  @IsOptional()
  @IsIn(ALERT_KINDS)
  kind?: AlertKind;

  @ApiPropertyOptional({ description: 'Only alerts about this customer (or anonymous id)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(PARTY_ID_PATTERN, { message: 'customerId is not a valid id' })
  customerId?: string;

  @ApiPropertyOptional({
    example: '2026-03-01T00:00:00Z',
    description: 'Only alerts raised at or after this instant (RFC 3339)',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an RFC 3339 instant' })
  since?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_ALERTS_PAGE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ALERTS_PAGE)
  limit?: number;
}

export class AlertDeliveryDto {
  @ApiProperty({ description: '`kafka` or `webhook:<origin><path>`' }) target!: string;
  @ApiProperty({ enum: DELIVERY_STATES }) state!: DeliveryState;
  @ApiProperty({ description: 'Attempts made so far' }) attempts!: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt failed' })
  lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'While pending' })
  nextAttemptAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
}

export class AlertDto {
  @ApiProperty({
    example: 'detractor:0f8fad5b-d9cb-469f-a165-70867728950e',
    description: 'Deterministic: the same occurrence always has the same id',
  })
  id!: string;
  @ApiProperty({ enum: ALERT_KINDS }) kind!: AlertKind;
  @ApiProperty() customerId!: string;
  @ApiProperty({ format: 'date-time', description: 'When the triggering thing happened' })
  occurredAt!: string;
  @ApiProperty({ format: 'date-time' }) raisedAt!: string;
  @ApiProperty({ type: [String], description: 'Why, in words' }) reasons!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Facts by kind' })
  data!: Record<string, unknown>;
  @ApiProperty({ type: [AlertDeliveryDto] }) deliveries!: AlertDeliveryDto[];
}

export class AlertsPageDto {
  @ApiProperty({ type: [AlertDto] }) items!: AlertDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page' })
  nextCursor!: string | null;
}
