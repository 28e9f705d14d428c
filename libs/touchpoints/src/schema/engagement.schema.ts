import { IsOptional } from 'class-validator';
import type { JsonObject } from '@touchline/event-store';
import {
  FreeFormAttributes,
  FreeText,
  IntegerBetween,
  Label,
  OneOf,
  Personal,
  Reference,
  Text,
  Timestamp,
  WebUrl,
} from './field-decorators';

export class EnquiryData {
  @IsOptional()
  @Reference()
  enquiryId?: string;

  /** What it is about, e.g. "opening-hours", "product-availability". */
  @Label()
  topic!: string;

  /** The question in the customer's words. */
  @IsOptional()
  @FreeText()
  @Personal()
  text?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}

/** A page or screen view. At least one of url (web) and screen (app) is required. */
export class BrowseData {
  /** Personal: query strings and paths often carry emails, names or tokens. */
  @IsOptional()
  @WebUrl()
  @Personal()
  url?: string;

  /** An app screen's name, e.g. "ProductDetail". */
  @IsOptional()
  @Text(200)
  screen?: string;

  /** Personal: titles can greet the customer by name or show an order of theirs. */
  @IsOptional()
  @Text(500)
  @Personal()
  title?: string;

  @IsOptional()
  @WebUrl()
  @Personal()
  referrer?: string;

  /** e.g. "home", "category", "product", "checkout". */
  @IsOptional()
  @Label()
  pageType?: string;

  @IsOptional()
  @Reference()
  productSku?: string;

  /** Time spent on the page or screen. */
  @IsOptional()
  @IntegerBetween(0, 86_400_000)
  durationMs?: number;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}

export const CAMPAIGN_RESPONSES = [
  'delivered',
  'opened',
  'clicked',
  'converted',
  'replied',
  'dismissed',
  'unsubscribed',
  'bounced',
] as const;
export type CampaignResponse = (typeof CAMPAIGN_RESPONSES)[number];

export class CampaignResponseData {
  @Reference()
  campaignId!: string;

  @OneOf(CAMPAIGN_RESPONSES)
  response!: CampaignResponse;

  /** The variant or creative of an A/B test. */
  @IsOptional()
  @Label()
  variant?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}

export const DELIVERY_STATUSES = [
  'dispatched',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'failed',
  'returned',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export class DeliveryData {
  @Reference()
  shipmentId!: string;

  @IsOptional()
  @Reference()
  orderId?: string;

  @OneOf(DELIVERY_STATUSES)
  status!: DeliveryStatus;

  @IsOptional()
  @Label()
  carrier?: string;

  /** The end of the delivery window promised to the customer (lateness is a churn signal). */
  @IsOptional()
  @Timestamp()
  promisedBy?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}

export const SERVICE_OUTCOMES = [
  'resolved',
  'escalated',
  'follow_up',
  'transferred',
  'abandoned',
] as const;
export type ServiceOutcome = (typeof SERVICE_OUTCOMES)[number];

/** A conversation with customer service (call, chat, visit) that is not a complaint. */
export class ServiceContactData {
  @IsOptional()
  @Reference()
  contactId?: string;

  @Label()
  reason!: string;

  @IsOptional()
  @OneOf(SERVICE_OUTCOMES)
  outcome?: ServiceOutcome;

  @IsOptional()
  @IntegerBetween(0, 86_400)
  durationSeconds?: number;

  /** The producer's id of the agent (not their name). */
  @IsOptional()
  @Reference()
  agentId?: string;

  /** The agent's notes. */
  @IsOptional()
  @FreeText()
  @Personal()
  text?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}
