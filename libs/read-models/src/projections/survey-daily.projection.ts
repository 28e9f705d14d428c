import type { SurveyKind } from '@touchline/analytics';
import type { RecordedEvent } from '@touchline/event-store';
import { defineProjection } from '@touchline/projections';
import { SURVEY_EVENT_TYPES, dayOf, readJourneyEvent, surveyAnswerOf } from './journey-event';

export const SURVEY_DAILY = 'survey_daily';

/**
 * Survey answers counted per score, per kind × UTC day × channel. Counts rather than answers:
 * any bucket (day, week, month) and any of these filters is a sum of rows, and every metric
 * (NPS, CSAT, CES, their errors) follows from the counts (analytics' *FromCounts).
 *
 * Not here: the tier of the customer at answer time (a projection cannot read the profile), and
 * the type of the touchpoint an answer is about (it would need the referenced event). Queries by
 * that type read customer_timeline instead; see docs/read-models.md.
 */
export type SurveyDailyRow = {
  kind: SurveyKind;
  day: string;
  channel: string;
  n: number;
  /** Sum of the scores, for means in SQL. */
  sum: number;
  /** Answers per score: { "9": 12, "10": 31 }. */
  counts: { [score: string]: number };
};

function keyOf(event: RecordedEvent): string {
  const e = readJourneyEvent(event);
  return `${surveyAnswerOf(e)!.kind}:${dayOf(e.occurredAt)}:${e.channel}`;
}

export function evolveSurveyDaily(
  row: SurveyDailyRow | null,
  event: RecordedEvent,
): SurveyDailyRow {
  const e = readJourneyEvent(event);
  const answer = surveyAnswerOf(e)!;
  const current = row ?? {
    kind: answer.kind,
    day: dayOf(e.occurredAt),
    channel: e.channel,
    n: 0,
    sum: 0,
    counts: {},
  };
  const score = String(answer.score);
  return {
    ...current,
    n: current.n + 1,
    sum: current.sum + answer.score,
    counts: { ...current.counts, [score]: (current.counts[score] ?? 0) + 1 },
  };
}

export const surveyDailyProjection = defineProjection<SurveyDailyRow>({
  name: SURVEY_DAILY,
  version: 1,
  handles: SURVEY_EVENT_TYPES,
  rowKey: keyOf,
  evolve: evolveSurveyDaily,
  onPoison: 'dead-letter',
  table: { kind: 'jsonb', indexes: [{ name: 'day', path: ['day'] }] },
});
