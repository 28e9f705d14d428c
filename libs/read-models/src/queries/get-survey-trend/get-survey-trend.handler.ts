import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@touchline/database';
import { addDays, formatDay } from '../../rules/calendar';
import { countSurveyAnswersByCustomer } from '../../sql/countSurveyAnswersByCustomer';
import { countSurveyAnswersByTouchpointType } from '../../sql/countSurveyAnswersByTouchpointType';
import { readSurveyDaily } from '../../sql/readSurveyDaily';
import { GetSurveyTrendQuery, type SurveyTrend } from './get-survey-trend.query';
import { surveyTrend, trendWindow, type ScoreCountEntry } from './survey-trend';

@QueryHandler(GetSurveyTrendQuery)
export class GetSurveyTrendHandler implements IQueryHandler<GetSurveyTrendQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute(query: GetSurveyTrendQuery): Promise<SurveyTrend> {
    const { kind, interval, groupBy, filter } = query;
    const window = trendWindow(query.from, query.to, interval);
    const entries: ScoreCountEntry[] = [];
    const byType = groupBy === 'type' || filter.type !== null;
    if (
      groupBy === 'tier' ||
      groupBy === 'segment' ||
      filter.tier !== null ||
      filter.segment !== null
    ) {
      // Per customer: each answer resolved to the customer it counts for, with their current
      // tier and RF segment (docs/read-models.md#survey-trends).
      const rows = await countSurveyAnswersByCustomer(
        this.db.pool,
        kind,
        window.firstDay,
        window.endDay,
        filter.channel,
        byType,
      );
      for (const row of rows) {
        if (filter.type !== null && row.touchpointType !== filter.type) continue;
        if (filter.tier !== null && row.tier !== filter.tier) continue;
        if (filter.segment !== null && row.segment !== filter.segment) continue;
        const group =
          groupBy === 'type'
            ? row.touchpointType!
            : groupBy === 'tier'
              ? row.tier
              : groupBy === 'segment'
                ? row.segment
                : row.channel;
        entries.push({ day: row.day, group, score: row.score, n: row.n });
      }
    } else if (byType) {
      // Only the timeline knows what an answer was about (survey_daily has no such dimension).
      const rows = await countSurveyAnswersByTouchpointType(
        this.db.pool,
        kind,
        window.firstDay,
        window.endDay,
        filter.channel,
      );
      for (const row of rows) {
        if (filter.type !== null && row.touchpointType !== filter.type) continue;
        const group = groupBy === 'type' ? row.touchpointType : row.channel;
        entries.push({ day: row.day, group, score: row.score, n: row.n });
      }
    } else {
      const rows = await readSurveyDaily(
        this.db.pool,
        kind,
        window.firstDay,
        window.endDay,
        filter.channel,
      );
      for (const row of rows) {
        for (const [score, n] of Object.entries(row.counts)) {
          entries.push({ day: row.day, group: row.channel, score: Number(score), n });
        }
      }
    }
    return {
      kind,
      interval,
      from: formatDay(window.buckets[0]!),
      to: formatDay(addDays(new Date(`${window.endDay}T00:00:00.000Z`), -1)),
      groupBy,
      series: surveyTrend(kind, entries, window, interval, groupBy !== null),
    };
  }
}
