import { ApiProperty } from '@nestjs/swagger';
import { CHURN_BANDS, type ChurnBand, type ChurnReasonCode } from '@touchline/analytics';
import type { ChurnModelView, ChurnRefitView, CustomerChurnRiskView } from './churn-model.view';
import type { BandRise } from './churn-scores';

/* OpenAPI shapes of the churn answers; `implements` keeps them in step with the views. */

export const BANDS: ChurnBand[] = CHURN_BANDS.map((b) => b.band).reverse();
const REASON_CODES: ChurnReasonCode[] = [
  'inactive',
  'detractor',
  'unresolved_complaints',
  'falling_csat',
  'negative_sentiment_trend',
];

export class ChurnReasonDto {
  @ApiProperty({ enum: REASON_CODES }) code!: ChurnReasonCode;
  @ApiProperty({ description: 'Points this signal added to the score' }) points!: number;
  @ApiProperty({ example: 'Likely inactive: P(alive) 0.18' }) text!: string;
}

class BgNbdDto {
  @ApiProperty() r!: number;
  @ApiProperty({ description: 'In days' }) alpha!: number;
  @ApiProperty() a!: number;
  @ApiProperty() b!: number;
  @ApiProperty() logLikelihood!: number;
  @ApiProperty({ description: 'False when the fit used up its evaluation budget' })
  converged!: boolean;
}

class GammaGammaDto {
  @ApiProperty() p!: number;
  @ApiProperty() q!: number;
  @ApiProperty() gamma!: number;
  @ApiProperty() logLikelihood!: number;
  @ApiProperty({ description: 'Repeat customers fitted on' }) customers!: number;
  @ApiProperty({ description: 'False when the fit used up its evaluation budget' })
  converged!: boolean;
}

export class ChurnModelDto implements ChurnModelView {
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ format: 'date-time' }) fittedAt!: string;
  @ApiProperty({ enum: ['day'] }) timeUnit!: 'day';
  @ApiProperty({ description: 'Customers with a purchase at or before asOf' }) customers!: number;
  @ApiProperty({ type: BgNbdDto }) bgnbd!: BgNbdDto;
  @ApiProperty({
    type: GammaGammaDto,
    nullable: true,
    description: 'Null when no customer has a repeat purchase',
  })
  gammaGamma!: GammaGammaDto | null;
  @ApiProperty({ description: 'Time to read, fit and score (ms)' }) durationMs!: number;
}

class BandRiseDto implements BandRise {
  @ApiProperty() customerId!: string;
  @ApiProperty({ enum: BANDS, nullable: true, type: String }) from!: ChurnBand | null;
  @ApiProperty({ enum: ['high', 'critical'] }) to!: 'high' | 'critical';
  @ApiProperty() score!: number;
  @ApiProperty({ type: [ChurnReasonDto] }) reasons!: ChurnReasonDto[];
}

export class ChurnRefitDto extends ChurnModelDto implements ChurnRefitView {
  @ApiProperty({
    type: [BandRiseDto],
    description: 'Customers whose band rose to high or critical since the replaced snapshot',
  })
  bandRises!: BandRiseDto[];
}

export class CustomerChurnRiskDto implements CustomerChurnRiskView {
  @ApiProperty({ minimum: 0, maximum: 100 }) score!: number;
  @ApiProperty({ enum: BANDS }) band!: ChurnBand;
  @ApiProperty({ description: 'BG/NBD P(alive) as of asOf' }) pAlive!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Expected purchases in the next 90 days',
  })
  expectedPurchases90d!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Gamma-Gamma expected order value' })
  expectedOrderValue!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '12-month CLV, 1% monthly discount' })
  clv12m!: number | null;
  @ApiProperty({ description: 'score / 100 × clv12m' }) valueAtRisk!: number;
  @ApiProperty({ type: [ChurnReasonDto] }) reasons!: ChurnReasonDto[];
  @ApiProperty({ format: 'date-time' }) asOf!: string;
}
