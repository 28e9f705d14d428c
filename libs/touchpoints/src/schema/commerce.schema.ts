import { IsOptional } from 'class-validator';
import type { JsonObject } from '@touchline/event-store';
import {
  Amount,
  Currency,
  FreeFormAttributes,
  FreeText,
  IntegerBetween,
  Label,
  NestedList,
  Personal,
  Reference,
  Text,
} from './field-decorators';

export const MAX_LINE_ITEMS = 500;

export class LineItem {
  @Reference()
  sku!: string;

  /** Product name, as shown to the customer. */
  @IsOptional()
  @Text(300)
  name?: string;

  @IsOptional()
  @Label()
  category?: string;

  @IntegerBetween(1, 1_000_000)
  quantity!: number;

  /** Unit price in the order's currency. */
  @Amount()
  price!: number;
}

export class PurchaseData {
  @Reference()
  orderId!: string;

  /** What the customer paid, in major units of `currency`: after discounts, with tax. */
  @Amount()
  amount!: number;

  @Currency()
  currency!: string;

  @IsOptional()
  @NestedList(() => LineItem, MAX_LINE_ITEMS)
  items?: LineItem[];

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}

export class RefundData {
  @Reference()
  orderId!: string;

  @Amount({ positive: true })
  amount!: number;

  @Currency()
  currency!: string;

  /** In the customer's or agent's words, so personal. */
  @IsOptional()
  @FreeText(2000)
  @Personal()
  reason?: string;

  @IsOptional()
  @NestedList(() => LineItem, MAX_LINE_ITEMS)
  items?: LineItem[];

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}
