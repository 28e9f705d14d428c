import type { RecordedEvent } from '@touchline/event-store';
import { fromRecordedEvent, type JourneyEvent } from '@touchline/touchpoints';
import { detractorAlertId, type NewAlert } from '../alert';

/** Event types the detector reads; every other event only moves its checkpoint. */
export const DETECTED_TYPES: ReadonlySet<string> = new Set([
  'survey.nps',
  'complaint.opened',
  'complaint.responded',
  'complaint.resolved',
]);

export const DETRACTOR_MAX_SCORE = 6;

/** Who an event is about: the customer id, else the anonymous id. */
export function subjectOf(e: JourneyEvent): string {
  return e.customerId ?? e.anonymousId ?? 'unknown';
}

/** The current-version event, for the detected types (throws for an unknown type or version). */
export function readEvent(event: RecordedEvent): JourneyEvent {
  return fromRecordedEvent(event);
}

/** A detractor alert for an NPS answer 0–6; null for any other answer. */
export function detractorAlert(e: JourneyEvent): NewAlert | null {
  if (e.type !== 'survey.nps') return null;
  const { score, touchpointRef } = e.data;
  if (score > DETRACTOR_MAX_SCORE) return null;
  const data: NewAlert['data'] = { eventId: e.eventId, score, channel: e.channel };
  if (touchpointRef !== undefined) data.touchpointRef = touchpointRef;
  return {
    id: detractorAlertId(e.eventId),
    kind: 'detractor',
    customerId: subjectOf(e),
    occurredAt: new Date(e.occurredAt),
    reasons: [`NPS answer ${score} (a detractor: 0–6) via ${e.channel}`],
    data,
  };
}
