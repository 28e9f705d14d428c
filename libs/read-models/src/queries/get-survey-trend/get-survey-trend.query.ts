import { Query } from '@nestjs/cqrs';
import type { SurveyKind } from '@touchline/analytics';
import type { Interval } from '../../rules/calendar';
import type { GroupBy } from './survey-trend.dto';
import type { SurveySeries } from './survey-trend';

export interface SurveyTrend {
  kind: SurveyKind;
  interval: Interval;
  from: string;
  to: string;
  groupBy: GroupBy | null;
  series: SurveySeries[];
}

export interface SurveyTrendFilter {
  channel: string | null;
  type: string | null;
  /** The current tier / RF segment of the customer the answer counts for. */
  tier: string | null;
  segment: string | null;
}

/** NPS, CSAT or CES per bucket of days `from`..`to` (UTC, included, whole buckets). */
export class GetSurveyTrendQuery extends Query<SurveyTrend> {
  constructor(
    readonly kind: SurveyKind,
    readonly from: Date,
    readonly to: Date,
    readonly interval: Interval,
    readonly groupBy: GroupBy | null,
    readonly filter: SurveyTrendFilter,
  ) {
    super();
  }
}
