import { IsBoolean, IsOptional } from 'class-validator';
import type { JsonObject } from '@touchline/event-store';
import { SEVERITIES, type Severity } from '../event-types';
import {
  Amount,
  Currency,
  FreeFormAttributes,
  FreeText,
  Label,
  Nested,
  OneOf,
  Personal,
  Reference,
} from './field-decorators';

/*
 * A complaint's life: opened → responded* → resolved → (reopened → responded* → resolved)*. All
 * four carry the producer's complaintId; category and severity are set when opened and may be
 * corrected later, so they are optional after that.
 */

export class ComplaintOpenedData {
  @Reference()
  complaintId!: string;

  @Label()
  category!: string;

  @OneOf(SEVERITIES)
  severity!: Severity;

  /** The complaint in the customer's words. */
  @IsOptional()
  @FreeText()
  @Personal()
  text?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}

export class ComplaintRespondedData {
  @Reference()
  complaintId!: string;

  @IsOptional()
  @Label()
  category?: string;

  @IsOptional()
  @OneOf(SEVERITIES)
  severity?: Severity;

  /** The response sent to the customer. */
  @IsOptional()
  @FreeText()
  @Personal()
  text?: string;

  /** The producer's id of the agent or team who responded (not their name). */
  @IsOptional()
  @Reference()
  responderId?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}

export const RESOLUTIONS = [
  'fixed',
  'refunded',
  'replaced',
  'compensated',
  'explained',
  'rejected',
  'withdrawn',
  'other',
] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export class Compensation {
  @Amount({ positive: true })
  amount!: number;

  @Currency()
  currency!: string;
}

export class ComplaintResolvedData {
  @Reference()
  complaintId!: string;

  @IsOptional()
  @Label()
  category?: string;

  @IsOptional()
  @OneOf(SEVERITIES)
  severity?: Severity;

  @OneOf(RESOLUTIONS)
  resolution!: Resolution;

  /** Money or vouchers given to settle it. */
  @IsOptional()
  @Nested(() => Compensation)
  compensation?: Compensation;

  /** Whether the customer said they were satisfied with the resolution, when asked. */
  @IsOptional()
  @IsBoolean()
  satisfied?: boolean;

  /** How it was resolved, as told to the customer. */
  @IsOptional()
  @FreeText()
  @Personal()
  text?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}

export class ComplaintReopenedData {
  @Reference()
  complaintId!: string;

  @IsOptional()
  @Label()
  category?: string;

  @IsOptional()
  @OneOf(SEVERITIES)
  severity?: Severity;

  /** Why the customer came back, in their words. */
  @IsOptional()
  @FreeText()
  @Personal()
  text?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}
