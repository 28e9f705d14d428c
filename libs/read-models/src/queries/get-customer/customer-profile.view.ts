import type { TierThresholds } from '@touchline/config';
import type { JsonObject } from '@touchline/event-store';
import type {
  Consent,
  CustomerProfileRow,
  SurveyScore,
} from '../../projections/customer-profile.projection';
import { lifecycleStage, type LifecycleStage } from '../../rules/lifecycle';
import {
  SENTIMENT_TREND_WINDOW_DAYS,
  sentimentTrend,
  type SentimentTrend,
} from '../../rules/sentiment-trend';
import { customerTier, type Tier } from '../../rules/tier';
import type { CustomerChurnRiskView } from '../../churn/churn-model.view';
import {
  NO_SCORES,
  type CustomerRfmView,
  type CustomerScores,
} from '../../snapshots/customer-scores';

export const PERSONAL_DATA_VIEWS = ['masked', 'decrypted'] as const;
export type PersonalDataView = (typeof PERSONAL_DATA_VIEWS)[number];

/** A profile as the API answers it: the stored row plus what is computed when read. */
export interface CustomerProfileView {
  customerId: string;
  ids: {
    anonymousIds: string[];
    previousIds: string[];
    mergedIds: string[];
    mergedInto: string | null;
    /** The customer whose profile counts this one's events: itself unless merged or an earlier id. */
    canonicalId: string;
  };
  /**
   * The profile.updated attributes set now: each as "[personal]" (masked), or, when
   * `personalData` is "decrypted", its value from the store or "[erased]".
   */
  attributes: JsonObject;
  erasedAt: string | null;
  /** masked: from the read model, which keeps no values; decrypted: from the store (?personal=true). */
  personalData: PersonalDataView;
  consents: Record<string, Consent>;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  touchpoints: number;
  countsByType: Record<string, number>;
  countsByChannel: Record<string, number>;
  orders: number;
  grossSpend: number;
  refunds: number;
  refundedAmount: number;
  netSpend: number;
  averageOrderValue: number | null;
  currencies: string[];
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  loyalty: { earned: number; redeemed: number; balance: number };
  lastSurveys: { nps: SurveyScore | null; csat: SurveyScore | null; ces: SurveyScore | null };
  complaints: { opened: number; open: number; openIds: string[] };
  sentiment: {
    points: number;
    mean: number | null;
    lastAt: string | null;
    trend: SentimentTrend & { windowDays: number };
  };
  tier: Tier;
  lifecycleStage: LifecycleStage;
  /** From the RFM snapshot; null when there is none or it has no purchase of this customer. */
  rfm: CustomerRfmView | null;
  /** From the churn snapshot; null when there is none or it has no purchase of this customer. */
  churnRisk: CustomerChurnRiskView | null;
  /** The instant the clock-dependent fields (lifecycle stage, sentiment trend) were computed for. */
  asOf: string;
}

export function toCustomerProfileView(
  row: CustomerProfileRow,
  asOf: Date,
  thresholds: TierThresholds,
  scores: CustomerScores = NO_SCORES,
): CustomerProfileView {
  return {
    customerId: row.customerId,
    ids: {
      anonymousIds: row.linkedAnonymousIds,
      previousIds: row.previousIds,
      mergedIds: row.mergedIds,
      mergedInto: row.mergedInto,
      // Rows built before identity resolution (projection version 1) have no canonicalId.
      canonicalId: row.canonicalId ?? row.customerId,
    },
    attributes: row.attributes,
    erasedAt: row.erasedAt,
    personalData: 'masked',
    consents: row.consents,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    touchpoints: row.touchpoints,
    countsByType: row.countsByType,
    countsByChannel: row.countsByChannel,
    orders: row.orders,
    grossSpend: row.grossSpend,
    refunds: row.refunds,
    refundedAmount: row.refundedAmount,
    netSpend: row.netSpend,
    averageOrderValue: row.averageOrderValue,
    currencies: row.currencies,
    firstPurchaseAt: row.firstPurchaseAt,
    lastPurchaseAt: row.lastPurchaseAt,
    loyalty: row.loyalty,
    lastSurveys: row.lastSurveys,
    complaints: {
      opened: row.complaints.opened,
      open: row.complaints.open.length,
      openIds: row.complaints.open,
    },
    sentiment: {
      points: row.sentiment.n,
      mean: row.sentiment.mean,
      lastAt: row.sentiment.lastAt,
      trend: {
        ...sentimentTrend(row.sentiment.days, asOf),
        windowDays: SENTIMENT_TREND_WINDOW_DAYS,
      },
    },
    tier: customerTier(row, thresholds),
    lifecycleStage: lifecycleStage(row, asOf),
    rfm: scores.rfm,
    churnRisk: scores.churnRisk,
    asOf: asOf.toISOString(),
  };
}
