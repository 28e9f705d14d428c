import type { SurveyKind } from '@touchline/analytics';
import type { Pool } from 'pg';
import type { SurveyDailyRow } from '../projections/survey-daily.projection';

/** The daily count rows of one survey kind for days in [fromDay, toDay), optionally of one channel. */
export async function readSurveyDaily(
  pool: Pool,
  kind: SurveyKind,
  fromDay: string,
  toDay: string,
  channel: string | null,
): Promise<SurveyDailyRow[]> {
  const { rows } = await pool.query<{ data: SurveyDailyRow }>(
    `SELECT data FROM projections.survey_daily
      WHERE data #>> '{day}' >= $2 AND data #>> '{day}' < $3
        AND data->>'kind' = $1
        AND ($4::text IS NULL OR data->>'channel' = $4)`,
    [kind, fromDay, toDay, channel],
  );
  return rows.map((r) => r.data);
}
