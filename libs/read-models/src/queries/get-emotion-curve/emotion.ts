import { peakEnd } from '@touchline/analytics';
import type { SentimentPointRow } from '../../sql/readSentimentPoints';

export interface EmotionPoint {
  at: string;
  sentiment: number;
  source: string;
  eventId: string;
  type: string;
}

export interface PeakEndView {
  mostNegative: EmotionPoint | null;
  mostPositive: EmotionPoint | null;
  end: EmotionPoint | null;
  /** Mean of the three (a moment that is a peak and the end counts twice, as in the rule). */
  peakEndMean: number | null;
}

export interface Emotion {
  curve: EmotionPoint[];
  peakEnd: PeakEndView;
}

/**
 * The journey's emotion curve in the journey's order (occurredAt, revision, stream) and its
 * peak-end summary by analytics' peakEnd, which keeps the earliest moment on ties: so the order
 * here decides ties the same way the timeline shows them.
 */
export function emotionOf(points: readonly SentimentPointRow[]): Emotion {
  const sorted = [...points].sort(
    (a, b) =>
      Date.parse(a.occurredAt) - Date.parse(b.occurredAt) ||
      a.revision - b.revision ||
      (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0),
  );
  const curve = sorted.map((p) => ({
    at: p.occurredAt,
    sentiment: p.sentiment,
    source: p.source,
    eventId: p.eventId,
    type: p.type,
  }));
  const summary = peakEnd(
    curve.map((point) => ({ point, at: new Date(point.at), sentiment: point.sentiment })),
  );
  return {
    curve,
    peakEnd: {
      mostNegative: summary.mostNegative?.point ?? null,
      mostPositive: summary.mostPositive?.point ?? null,
      end: summary.end?.point ?? null,
      peakEndMean: summary.peakEndMean,
    },
  };
}
