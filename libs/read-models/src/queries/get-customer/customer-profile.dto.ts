import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import type { JsonObject } from '@touchline/event-store';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../../rules/lifecycle';
import { TIERS, type Tier } from '../../rules/tier';
import type { CustomerProfileView } from './customer-profile.view';

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
    description: 'profile.updated attributes, as stored (personal data)',
  })
  attributes!: JsonObject;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) erasedAt!: string | null;
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
  @ApiPropertyOptional({ nullable: true, type: Object, description: 'Not computed yet (RFM job)' })
  rfm!: null;
  @ApiPropertyOptional({
    nullable: true,
    type: Object,
    description: 'Not computed yet (churn model)',
  })
  churnRisk!: null;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
}

/** For @ApiExtraModels: the $ref of consents must resolve. */
export const CUSTOMER_PROFILE_EXTRA_MODELS = [ConsentDto];
