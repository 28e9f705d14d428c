import type { ComplaintLevelsRow } from '../sql/readComplaintServiceLevels';

export interface ComplaintLevels {
  opened: number;
  responded: number;
  resolved: number;
  reopened: number;
  surveyedAfterResolution: number;
  timeToFirstResponse: { p50Seconds: number | null; p90Seconds: number | null };
  timeToResolution: { p50Seconds: number | null; p90Seconds: number | null };
  resolutionRate: number | null;
  reopenRate: number | null;
  surveyFollowUpRate: number | null;
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/** The rates of one row of counts; a rate over nothing is null, not 0. */
export function complaintLevels(row: ComplaintLevelsRow): ComplaintLevels {
  return {
    opened: row.opened,
    responded: row.responded,
    resolved: row.resolved,
    reopened: row.reopened,
    surveyedAfterResolution: row.surveyed,
    timeToFirstResponse: { p50Seconds: row.firstResponseP50, p90Seconds: row.firstResponseP90 },
    timeToResolution: { p50Seconds: row.resolutionP50, p90Seconds: row.resolutionP90 },
    resolutionRate: ratio(row.resolved, row.opened),
    reopenRate: ratio(row.reopened, row.everResolved),
    surveyFollowUpRate: ratio(row.surveyed, row.resolved),
  };
}
