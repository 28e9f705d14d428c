import { touchpointSentiment, type ResolvedSentiment, type SurveyKind } from '@touchline/analytics';
import type { RecordedEvent } from '@touchline/event-store';
import {
  ANONYMOUS_STREAM_PREFIX,
  CUSTOMER_STREAM_PREFIX,
  fromRecordedEvent,
  personalFields,
  type JourneyEvent,
} from '@touchline/touchpoints';

/**
 * What the read models take from a stored event: the event in its current version and in the
 * shape producers send (upcast, envelope from metadata, UTC occurredAt), plus what several of
 * them derive the same way (survey answer, sentiment). An unknown type or version throws, which
 * makes the event poison for the projection (dead-lettered with the reason).
 */
export function readJourneyEvent(event: RecordedEvent): JourneyEvent {
  return fromRecordedEvent(event);
}

/** The customer a `customer-<id>` stream belongs to; null for every other stream. */
export function customerOfStream(streamId: string): string | null {
  return streamId.startsWith(CUSTOMER_STREAM_PREFIX)
    ? streamId.slice(CUSTOMER_STREAM_PREFIX.length)
    : null;
}

export function isJourneyStream(streamId: string): boolean {
  return (
    streamId.startsWith(CUSTOMER_STREAM_PREFIX) || streamId.startsWith(ANONYMOUS_STREAM_PREFIX)
  );
}

export interface SurveyAnswerOf {
  kind: SurveyKind;
  score: number;
  touchpointRef: string | null;
}

const SURVEY_KINDS: Readonly<Record<string, SurveyKind>> = {
  'survey.nps': 'nps',
  'survey.csat': 'csat',
  'survey.ces': 'ces',
};

export const SURVEY_EVENT_TYPES = Object.keys(SURVEY_KINDS);

export function surveyAnswerOf(event: JourneyEvent): SurveyAnswerOf | null {
  const kind = SURVEY_KINDS[event.type];
  if (kind === undefined) return null;
  const data = event.data as { score?: unknown; touchpointRef?: unknown };
  if (typeof data.score !== 'number')
    throw new TypeError(`${event.type} ${event.eventId} has no score`);
  return {
    kind,
    score: data.score,
    touchpointRef: typeof data.touchpointRef === 'string' ? data.touchpointRef : null,
  };
}

/**
 * Free text that speaks for the customer's mood: what they or an agent wrote. Personal fields
 * are absent once erased (and unreadable once encrypted): the sentiment then falls back to none.
 */
function textOf(event: JourneyEvent): string | null {
  const data = event.data as { text?: unknown; comment?: unknown; reason?: unknown };
  if (typeof data.text === 'string') return data.text;
  if (typeof data.comment === 'string') return data.comment;
  if (event.type === 'refund' && typeof data.reason === 'string') return data.reason;
  return null;
}

/** The precedence: the producer's `sentiment`, else the survey score, else the text. */
export function sentimentOf(event: JourneyEvent): ResolvedSentiment | null {
  const survey = surveyAnswerOf(event);
  return touchpointSentiment({
    explicit: event.sentiment ?? null,
    survey: survey && { kind: survey.kind, score: survey.score },
    text: textOf(event),
  });
}

/** Top-level `data` keys of this event that are personal (see docs/events.md). */
export function personalKeysOf(event: JourneyEvent): string[] {
  return personalFields(event.type)
    .map((path) => path.slice('data.'.length))
    .filter((key) => key in (event.data as object));
}

/** UTC calendar day, `YYYY-MM-DD`, of an ISO instant. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}
