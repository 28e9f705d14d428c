import type { SurveyKind } from '@touchline/analytics';
import type { Pool } from 'pg';

export interface AnswerCountRow {
  day: string;
  channel: string;
  /** The type of the touchpoint answered about; 'unspecified' without a reference, 'unknown' when the reference is not in the timeline. */
  touchpointType: string;
  score: number;
  n: number;
}

/**
 * Survey answers from the timeline, counted per day, channel, the type of the touchpoint they are
 * about, and score. The type needs the referenced event, which no projection of answers can see;
 * so this query joins the timeline to itself by event id (event ids are unique in the store, and
 * both sides are indexed).
 */
export async function countSurveyAnswersByTouchpointType(
  pool: Pool,
  kind: SurveyKind,
  fromDay: string,
  toDay: string,
  channel: string | null,
): Promise<AnswerCountRow[]> {
  const { rows } = await pool.query<AnswerCountRow>(
    `SELECT left(a.data #>> '{survey,at}', 10) AS day,
            a.data->>'channel' AS channel,
            CASE WHEN a.data #>> '{survey,touchpointRef}' IS NULL THEN 'unspecified'
                 ELSE coalesce(t.data->>'type', 'unknown') END AS "touchpointType",
            (a.data #>> '{survey,score}')::integer AS score,
            count(*)::integer AS n
       FROM projections.customer_timeline a
       LEFT JOIN projections.customer_timeline t
              ON t.data #>> '{eventId}' = a.data #>> '{survey,touchpointRef}'
      WHERE a.data #>> '{survey,at}' >= $2 AND a.data #>> '{survey,at}' < $3
        AND a.data #>> '{survey,kind}' = $1
        AND ($4::text IS NULL OR a.data->>'channel' = $4)
      GROUP BY 1, 2, 3, 4`,
    [kind, `${fromDay}T00:00:00.000Z`, `${toDay}T00:00:00.000Z`, channel],
  );
  return rows;
}
