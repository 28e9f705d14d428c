import { createHash } from 'node:crypto';
import type { SurveyKind } from '@touchline/analytics';
import type { JsonObject, RecordedEvent } from '@touchline/event-store';
import { defineProjection } from '@touchline/projections';
import { TOUCHPOINT_TYPES, parseStreamId } from '@touchline/touchpoints';
import {
  isJourneyStream,
  personalKeysOf,
  readJourneyEvent,
  sentimentOf,
  surveyAnswerOf,
} from './journey-event';

export const CUSTOMER_TIMELINE = 'customer_timeline';

/**
 * One row per touchpoint of a customer or anonymous stream. Rows per event, not a list per
 * customer: a busy customer's list would be rewritten whole on every event and read whole for
 * every page. The key orders the rows of a stream by (occurredAt, revision), so that a page is a
 * range scan of the primary key (see timelineKey).
 */
export type TimelineRow = {
  streamId: string;
  /** The envelope's ids (the stream's owner when the envelope had none). */
  customerId: string | null;
  anonymousId: string | null;
  revision: number;
  eventId: string;
  type: string;
  occurredAt: string;
  recordedAt: string;
  channel: string;
  source: string;
  /** −1..1, or null when the event has no explicit sentiment, no survey score and no text. */
  sentiment: number | null;
  sentimentSource: 'explicit' | 'survey' | 'text' | null;
  /** The event's data in its current version, without its personal fields (docs/privacy.md). */
  data: JsonObject;
  /** Keys of the event's data that are personal (docs/events.md): named here, never stored. */
  personalFields: string[];
  survey: {
    kind: SurveyKind;
    score: number;
    /** The eventId of the touchpoint the answer is about. */
    touchpointRef: string | null;
    /** occurredAt again, under a path of its own so that an index covers survey answers only. */
    at: string;
  } | null;
};

const STREAM_HASH_LENGTH = 32;
const TIME_DIGITS = 13;
const REVISION_DIGITS = 12;

/**
 * The key prefix of a stream: 128 bits of sha256 of the stream id, in hex. Keys are made only of
 * [0-9a-f] and are of fixed length, so their order is the same under every collation the
 * database may have (a customer id with punctuation would not be: many collations ignore it), and
 * one stream's keys form one contiguous range.
 */
export function timelineStreamPrefix(streamId: string): string {
  return createHash('sha256').update(streamId, 'utf8').digest('hex').slice(0, STREAM_HASH_LENGTH);
}

/** The part of a key after the stream prefix: occurredAt (ms since 1970) and revision, zero-padded. */
export function timelinePosition(occurredAtMs: number, revision: number): string {
  if (!Number.isSafeInteger(occurredAtMs) || occurredAtMs < 0 || occurredAtMs >= 10 ** TIME_DIGITS)
    throw new RangeError(`occurredAt ${occurredAtMs} ms is outside the timeline's range`);
  if (!Number.isSafeInteger(revision) || revision < 0 || revision >= 10 ** REVISION_DIGITS)
    throw new RangeError(`revision ${revision} is outside the timeline's range`);
  return (
    String(occurredAtMs).padStart(TIME_DIGITS, '0') +
    String(revision).padStart(REVISION_DIGITS, '0')
  );
}

/** Below and above every position of a stream. */
export const TIMELINE_POSITION_MIN = '';
export const TIMELINE_POSITION_MAX = '9'.repeat(TIME_DIGITS + REVISION_DIGITS);

export function timelineKey(streamId: string, occurredAtMs: number, revision: number): string {
  return timelineStreamPrefix(streamId) + timelinePosition(occurredAtMs, revision);
}

function occurredAtMs(event: RecordedEvent): number {
  return (event.occurredAt ?? event.recordedAt).getTime();
}

export function evolveTimeline(_row: TimelineRow | null, event: RecordedEvent): TimelineRow {
  const e = readJourneyEvent(event);
  const owner = parseStreamId(event.streamId);
  const sentiment = sentimentOf(e);
  const survey = surveyAnswerOf(e);
  const personalFields = personalKeysOf(e);
  const data: JsonObject = { ...(e.data as unknown as JsonObject) };
  for (const key of personalFields) delete data[key];
  return {
    streamId: event.streamId,
    customerId: e.customerId ?? (owner && 'customerId' in owner ? owner.customerId : null),
    anonymousId: e.anonymousId ?? (owner && 'anonymousId' in owner ? owner.anonymousId : null),
    revision: event.revision,
    eventId: event.eventId,
    type: e.type,
    occurredAt: e.occurredAt,
    recordedAt: event.recordedAt.toISOString(),
    channel: e.channel,
    source: e.metadata.source,
    sentiment: sentiment?.value ?? null,
    sentimentSource: sentiment?.source ?? null,
    data,
    personalFields,
    survey: survey && { ...survey, at: e.occurredAt },
  };
}

export const customerTimelineProjection = defineProjection<TimelineRow>({
  name: CUSTOMER_TIMELINE,
  // 2: personal fields are no longer kept in `data` (docs/privacy.md); the rebuild drops v1's rows.
  // 3: indexes on type and occurredAt (the RFM recompute and the churn refit read purchases,
  // complaints and recent rows through them instead of scanning every row); the engine creates a
  // table's indexes with its build, so the new ones come with a rebuild. Rows are unchanged.
  version: 3,
  handles: TOUCHPOINT_TYPES,
  rowKey: (event) =>
    isJourneyStream(event.streamId)
      ? timelineKey(event.streamId, occurredAtMs(event), event.revision)
      : null,
  evolve: evolveTimeline,
  onPoison: 'dead-letter',
  table: {
    kind: 'jsonb',
    indexes: [
      { name: 'event_id', path: ['eventId'] },
      { name: 'survey_at', path: ['survey', 'at'] },
      // Match these expressions exactly (data #>> '{type}', data #>> '{occurredAt}') to use them:
      // see snapshots/owned-touchpoints.sql.ts.
      { name: 'type', path: ['type'] },
      { name: 'occurred_at', path: ['occurredAt'] },
    ],
  },
});
