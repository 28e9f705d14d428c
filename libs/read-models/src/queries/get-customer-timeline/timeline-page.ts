import {
  TIMELINE_POSITION_MAX,
  timelinePosition,
  timelineStreamPrefix,
  type TimelineRow,
} from '../../projections/customer-timeline.projection';
import type { KeyRange } from '../../sql/readTimelineRanges';

export type TimelineOrder = 'asc' | 'desc';

/** The last item of a page: (occurredAt in ms, revision, stream), the journey's total order. */
export interface TimelineCursor {
  order: TimelineOrder;
  t: number;
  r: number;
  s: string;
}

/** Above every position of a stream: keys are digits after the prefix, and 'a' sorts above digits. */
const ABOVE_ALL = 'a';

function shift(position: string, by: 1 | -1): string | null {
  const next = BigInt(position) + BigInt(by);
  if (next < 0n) return null;
  const text = next.toString().padStart(position.length, '0');
  return text.length > TIMELINE_POSITION_MAX.length ? null : text;
}

/**
 * Per stream, the open key range of the rows after the cursor in the journey's order
 * (occurredAt, revision, stream id). At the cursor's own (occurredAt, revision), streams sorting
 * after the cursor's stream still have their row to come: their bound includes that position.
 */
export function rangesAfter(
  streams: readonly string[],
  cursor: TimelineCursor | null,
  order: TimelineOrder,
): KeyRange[] {
  return streams.map((stream) => {
    const prefix = timelineStreamPrefix(stream);
    if (cursor === null) return { low: prefix, high: prefix + ABOVE_ALL };
    const at = timelinePosition(cursor.t, cursor.r);
    if (order === 'asc') {
      const inclusive = stream > cursor.s;
      const below = inclusive ? shift(at, -1) : at;
      return { low: below === null ? prefix : prefix + below, high: prefix + ABOVE_ALL };
    }
    const inclusive = stream < cursor.s;
    const above = inclusive ? shift(at, 1) : at;
    return { low: prefix, high: above === null ? prefix + ABOVE_ALL : prefix + above };
  });
}

export function compareTimeline(a: TimelineRow, b: TimelineRow): number {
  const ta = Date.parse(a.occurredAt);
  const tb = Date.parse(b.occurredAt);
  if (ta !== tb) return ta - tb;
  if (a.revision !== b.revision) return a.revision - b.revision;
  return a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0;
}

/** Merges the rows read from each stream and cuts the page; a cursor when more rows follow. */
export function cutPage(
  rows: readonly TimelineRow[],
  order: TimelineOrder,
  limit: number,
): { items: TimelineRow[]; next: TimelineCursor | null } {
  const sorted = [...rows].sort((a, b) =>
    order === 'asc' ? compareTimeline(a, b) : compareTimeline(b, a),
  );
  const items = sorted.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    next:
      sorted.length > limit && last
        ? { order, t: Date.parse(last.occurredAt), r: last.revision, s: last.streamId }
        : null,
  };
}
