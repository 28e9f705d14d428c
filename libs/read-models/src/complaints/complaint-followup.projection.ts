import type { RecordedEvent } from '@touchline/event-store';
import { defineProjection, type EvolveContext, type KeyContext } from '@touchline/projections';
import { IDENTITY_EVENT_TYPES, journeyIdentity } from '../projections/identity';
import {
  SURVEY_EVENT_TYPES,
  isJourneyStream,
  readJourneyEvent,
} from '../projections/journey-event';

export const COMPLAINT_FOLLOWUP = 'complaint_followup';

/** A survey answered this long after a resolution (or sooner) follows it. */
export const FOLLOWUP_WINDOW_MS = 48 * 3_600_000;
/** Survey instants kept per customer: enough to match resolutions recorded out of time order. */
export const FOLLOWUP_SURVEYS_KEPT = 100;

export type ResolutionFollowup = {
  /** The complaint's latest resolution (occurredAt). */
  resolvedAt: string;
  /** The earliest survey answer in [resolvedAt, resolvedAt + 48 h], if any yet. */
  surveyAt: string | null;
};

/**
 * Whether a survey followed a complaint's resolution within 48 hours. Both happen on the
 * customer's streams, in either log order (a backfilled survey may be recorded before the
 * resolution it follows), so one row per customer holds both sides: the latest resolution of each
 * complaint and the instants of the customer's recent survey answers. Whichever arrives second
 * makes the match, so the row depends only on the customer's events: a rebuild gives the same rows.
 *
 * Identity-aware (docs/read-models.md, "Identity"): the row is keyed by the canonical stream, so
 * an answer on an anonymous stream the customer linked, on an earlier id or on a duplicate merged
 * into the customer follows the customer's resolutions (and an unmerge takes it back: the engine
 * folds the groups again). The complaint_case row joins it in analytics.complaint_cases by its
 * canonical stream and complaint id, on the same resolvedAt (so a case and this row that stand at
 * different positions never pair a stale resolution).
 */
export type ComplaintFollowupRow = {
  resolutions: { [complaintId: string]: ResolutionFollowup };
  /** occurredAt of the latest survey answers, ascending, at most FOLLOWUP_SURVEYS_KEPT. */
  surveys: string[];
};

const RESOLUTION_TYPES = ['complaint.resolved', 'complaint.reopened'];

function inWindow(resolvedAt: string, surveyAt: string): boolean {
  const gap = Date.parse(surveyAt) - Date.parse(resolvedAt);
  return gap >= 0 && gap <= FOLLOWUP_WINDOW_MS;
}

function firstSurveyAfter(resolvedAt: string, surveys: readonly string[]): string | null {
  return surveys.find((at) => inWindow(resolvedAt, at)) ?? null;
}

const IDENTITY_TYPES = new Set(IDENTITY_EVENT_TYPES);

/** The canonical stream's row; identity events only change the map (rowKey null). */
export function complaintFollowupKey(
  event: RecordedEvent,
  { canonical }: KeyContext,
): string | null {
  if (IDENTITY_TYPES.has(event.type)) return null;
  return isJourneyStream(canonical) ? canonical : null;
}

export function evolveComplaintFollowup(
  row: ComplaintFollowupRow | null,
  event: RecordedEvent,
  _context?: EvolveContext,
): ComplaintFollowupRow {
  const e = readJourneyEvent(event);
  const current = row ?? { resolutions: {}, surveys: [] };
  if (e.type === 'complaint.resolved') {
    const { complaintId } = e.data;
    return {
      ...current,
      resolutions: {
        ...current.resolutions,
        [complaintId]: {
          resolvedAt: e.occurredAt,
          surveyAt: firstSurveyAfter(e.occurredAt, current.surveys),
        },
      },
    };
  }
  if (e.type === 'complaint.reopened') {
    // Open again: the next resolution starts a new window.
    const resolutions = { ...current.resolutions };
    delete resolutions[e.data.complaintId];
    return { ...current, resolutions };
  }
  // A survey answer.
  const at = e.occurredAt;
  const surveys = [...current.surveys, at].sort().slice(-FOLLOWUP_SURVEYS_KEPT);
  const resolutions: ComplaintFollowupRow['resolutions'] = {};
  for (const [complaintId, r] of Object.entries(current.resolutions)) {
    const matches = inWindow(r.resolvedAt, at) && (r.surveyAt === null || at < r.surveyAt);
    resolutions[complaintId] = matches ? { ...r, surveyAt: at } : r;
  }
  return { resolutions, surveys };
}

export const complaintFollowupProjection = defineProjection<ComplaintFollowupRow>({
  name: COMPLAINT_FOLLOWUP,
  // 2: identity-aware, rows keyed by the canonical stream (an answer on a linked or merged id
  // follows the survivor's resolutions); the rebuild replaces v1's per-stream rows.
  version: 2,
  handles: [...RESOLUTION_TYPES, ...SURVEY_EVENT_TYPES, ...IDENTITY_EVENT_TYPES],
  identity: journeyIdentity,
  rowKey: complaintFollowupKey,
  evolve: evolveComplaintFollowup,
  onPoison: 'dead-letter',
});
