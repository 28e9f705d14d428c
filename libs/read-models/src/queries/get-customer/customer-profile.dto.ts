import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import type { JsonObject } from '@touchline/event-store';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../../rules/lifecycle';
import { TIERS, type Tier } from '../../rules/tier';
import { CustomerChurnRiskDto } from '../../churn/churn.dto';
import { CustomerRfmDto } from '../../rfm/rfm.dto';
import {
  PERSONAL_DATA_VIEWS,
  type CustomerProfileView,
  type PersonalDataView,
} from './customer-profile.view';

/* OpenAPI shapes of the answers; `implements` keeps them in step with what handlers return. */

class CustomerIdsDto {
  @ApiProperty({ type: [String], description: 'Anonymous ids linked by identity.linked' })
  anonymousIds!: string[];
  @ApiProperty({ type: [String], description: 'Earlier customer ids (identity.linked previousId)' })
  previousIds!: string[];
  @ApiProperty({ type: [String], description: 'Duplicates merged into this customer' })
  mergedIds!: string[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The survivor this customer was merged into',
  })
  mergedInto!: string | null;
  @ApiProperty({
    description:
      "The customer whose profile counts this one's events: itself, unless it was merged into " +
      'another customer or linked as an earlier id (then GET answers 307 to that customer)',
  })
  canonicalId!: string;
}

class ConsentDto {
  @ApiProperty() granted!: boolean;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true }) policyVersion!: string | null;
}

class SurveyScoreDto {
  @ApiProperty() score!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() channel!: string;
}

class LastSurveysDto {
  @ApiProperty({ type: SurveyScoreDto, nullable: true }) nps!: SurveyScoreDto | null;
  @ApiProperty({ type: SurveyScoreDto, nullable: true }) csat!: SurveyScoreDto | null;
  @ApiProperty({ type: SurveyScoreDto, nullable: true }) ces!: SurveyScoreDto | null;
}

class LoyaltyDto {
  @ApiProperty() earned!: number;
  @ApiProperty() redeemed!: number;
  @ApiProperty({ description: 'earned − redeemed' }) balance!: number;
}

class ComplaintsDto {
  @ApiProperty({ description: 'complaint.opened events, ever' }) opened!: number;
  @ApiProperty({ description: 'Open now: opened or reopened, not resolved since' }) open!: number;
  @ApiProperty({ type: [String] }) openIds!: string[];
}

class SentimentTrendDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Mean of the last windowDays' })
  recent!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Mean of the windowDays before' })
  previous!: number | null;
  @ApiProperty({ type: Number, nullable: true }) change!: number | null;
  @ApiProperty() windowDays!: number;
}

class SentimentDto {
  @ApiProperty({ description: 'Touchpoints with a sentiment' }) points!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Mean sentiment, −1..1' })
  mean!: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastAt!: string | null;
  @ApiProperty({ type: SentimentTrendDto }) trend!: SentimentTrendDto;
}

const counts = { type: 'object', additionalProperties: { type: 'integer' } } as const;

export class CustomerProfileDto implements CustomerProfileView {
  @ApiProperty() customerId!: string;
  @ApiProperty({ type: CustomerIdsDto }) ids!: CustomerIdsDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The profile.updated attributes set now. Masked (the default): each as "[personal]", read ' +
      'models keep no personal data (docs/privacy.md). With personal=true (scope personal): each ' +
      'with its value, decrypted from the store, or "[erased]" once its key was destroyed',
    example: { email: '[personal]', firstName: '[personal]' },
  })
  attributes!: JsonObject;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'When customer.erased was recorded; with personal=true and attributes shown as "[erased]" ' +
      'without it, when their keys were destroyed',
  })
  erasedAt!: string | null;
  @ApiProperty({
    enum: PERSONAL_DATA_VIEWS,
    description:
      'masked: attribute values hidden (read model); decrypted: attribute values from the store ' +
      '(personal=true)',
  })
  personalData!: PersonalDataView;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ConsentDto) },
    description: 'Latest decision per purpose',
  })
  consents!: Record<string, ConsentDto>;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) firstSeenAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastSeenAt!: string | null;
  @ApiProperty({ description: 'Touchpoints recorded (operations events excluded)' })
  touchpoints!: number;
  @ApiProperty(counts) countsByType!: Record<string, number>;
  @ApiProperty(counts) countsByChannel!: Record<string, number>;
  @ApiProperty() orders!: number;
  @ApiProperty() grossSpend!: number;
  @ApiProperty() refunds!: number;
  @ApiProperty() refundedAmount!: number;
  @ApiProperty({ description: 'grossSpend − refundedAmount' }) netSpend!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'netSpend / orders' })
  averageOrderValue!: number | null;
  @ApiProperty({ type: [String] }) currencies!: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  firstPurchaseAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastPurchaseAt!: string | null;
  @ApiProperty({ type: LoyaltyDto }) loyalty!: LoyaltyDto;
  @ApiProperty({ type: LastSurveysDto }) lastSurveys!: LastSurveysDto;
  @ApiProperty({ type: ComplaintsDto }) complaints!: ComplaintsDto;
  @ApiProperty({ type: SentimentDto }) sentiment!: SentimentDto;
  @ApiProperty({ enum: TIERS }) tier!: Tier;
  @ApiProperty({ enum: LIFECYCLE_STAGES }) lifecycleStage!: LifecycleStage;
  @ApiProperty({
    type: CustomerRfmDto,
    nullable: true,
    description: 'From the RFM snapshot (as of its asOf); null without a purchase as of it',
  })
  rfm!: CustomerRfmDto | null;
  @ApiProperty({
    type: CustomerChurnRiskDto,
    nullable: true,
    description: 'From the churn snapshot (as of its asOf); null without a purchase as of it',
  })
  churnRisk!: CustomerChurnRiskDto | null;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
}

/** For @ApiExtraModels: the $ref of consents must resolve. */
export const CUSTOMER_PROFILE_EXTRA_MODELS = [ConsentDto];
