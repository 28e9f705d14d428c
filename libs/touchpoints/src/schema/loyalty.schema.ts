import { IsOptional } from 'class-validator';
import type { JsonObject } from '@touchline/event-store';
import { FreeFormAttributes, IntegerBetween, Label, Reference } from './field-decorators';

/*
 * Points are a positive count; the type says the direction. A signed amount on one type would let
 * a sign error pass validation silently.
 */

export class LoyaltyEarnedData {
  @IntegerBetween(1, 1_000_000_000)
  points!: number;

  /** A label, not prose, e.g. "purchase", "birthday", "referral". */
  @IsOptional()
  @Label()
  reason?: string;

  @IsOptional()
  @Reference()
  orderId?: string;

  @IsOptional()
  @Reference()
  programId?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}

export class LoyaltyRedeemedData {
  @IntegerBetween(1, 1_000_000_000)
  points!: number;

  /** A label, not prose, e.g. "voucher", "discount", "gift". */
  @IsOptional()
  @Label()
  reason?: string;

  @IsOptional()
  @Reference()
  orderId?: string;

  @IsOptional()
  @Reference()
  programId?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}
