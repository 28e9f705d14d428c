import type { EventStore, RecordedEvent } from '@touchline/event-store';
import { IdentityGraph, type IdentityChange } from '@touchline/projections';
import { ANONYMOUS_STREAM_PREFIX, CUSTOMER_STREAM_PREFIX } from '@touchline/touchpoints';

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : null;

/**
 * The identity links an event records, read from the store as it is (these types are at version
 * 1): the same rules as the read models' (docs/read-models.md, "Identity"), so that a journey
 * replay and the profile agree on who belongs to a customer.
 */
export function identityChangesOf(event: RecordedEvent): IdentityChange[] {
  if (!event.streamId.startsWith(CUSTOMER_STREAM_PREFIX)) return [];
  const { data } = event;
  switch (event.type) {
    case 'identity.linked': {
      const changes: IdentityChange[] = [];
      const anonymousId = text(data.anonymousId);
      const previousId = text(data.previousId);
      if (anonymousId)
        changes.push({
          kind: 'link',
          alias: ANONYMOUS_STREAM_PREFIX + anonymousId,
          into: event.streamId,
        });
      if (previousId)
        changes.push({
          kind: 'link',
          alias: CUSTOMER_STREAM_PREFIX + previousId,
          into: event.streamId,
        });
      return changes;
    }
    case 'customer.merged':
    case 'customer.unmerged': {
      const survivorId = text(data.survivorId);
      const mergedId = text(data.mergedId);
      if (!survivorId || !mergedId) return [];
      const alias = CUSTOMER_STREAM_PREFIX + mergedId;
      const other = CUSTOMER_STREAM_PREFIX + survivorId;
      return [
        event.type === 'customer.merged'
          ? { kind: 'link', alias, into: other }
          : { kind: 'unlink', alias, from: other },
      ];
    }
    default:
      return [];
  }
}

export interface IdentityGroup {
  /** The customer stream whose row counts the group (the end of the links). */
  canonical: string;
  /** Every stream of the group: the customer's own first, then the others in name order. */
  streams: string[];
  /** The map as resolved, for checks (parents, roots). */
  graph: IdentityGraph;
  /**
   * Every customer stream the resolution read, whole (as of `asOf`), by stream id: the group's and
   * any it followed out of the group. Anonymous streams record no links and are not read: a reader
   * of the group's events reads only those (or streams absent here) again.
   */
  read: ReadonlyMap<string, readonly RecordedEvent[]>;
}

/**
 * The group a customer belongs to, as recorded in the store by `asOf` (default: now). Follows the
 * identity events of every customer stream reachable through them (both directions of a merge
 * are recorded in both streams; an earlier id is recorded in the new id's stream), applies them
 * in log order, and answers the connected group of the customer's stream.
 */
export async function resolveIdentityGroup(
  store: EventStore,
  customerId: string,
  asOf?: Date,
): Promise<IdentityGroup> {
  const own = CUSTOMER_STREAM_PREFIX + customerId;
  const queue = [own];
  const read = new Map<string, RecordedEvent[]>();
  const events = new Map<string, { event: RecordedEvent; changes: IdentityChange[] }>();
  while (queue.length > 0) {
    const stream = queue.shift()!;
    if (read.has(stream)) continue;
    const streamEvents = await store.readStream(stream, { asOf });
    read.set(stream, streamEvents);
    for (const event of streamEvents) {
      const changes = identityChangesOf(event);
      if (changes.length === 0) continue;
      events.set(event.eventId, { event, changes });
      for (const change of changes) {
        for (const end of [change.alias, change.kind === 'link' ? change.into : change.from]) {
          // Anonymous streams record no links (identity.linked needs a customer): nothing to follow.
          if (end.startsWith(CUSTOMER_STREAM_PREFIX) && !read.has(end)) queue.push(end);
        }
      }
    }
  }
  const graph = new IdentityGraph();
  const ordered = [...events.values()].sort((a, b) =>
    store.compareCheckpoints(a.event.position, b.event.position),
  );
  for (const { event, changes } of ordered) {
    for (const change of changes) graph.apply(change, event.position);
  }
  const canonical = graph.root(own);
  const others = graph
    .members(canonical)
    .filter((s) => s !== own)
    .sort();
  return { canonical, streams: [own, ...others], graph, read };
}

/** The survivor a customer is merged into now (its own stream's merged/unmerged events), or null. */
export function mergedInto(ownEvents: readonly RecordedEvent[], customerId: string): string | null {
  let survivor: string | null = null;
  for (const event of ownEvents) {
    if (text(event.data.mergedId) !== customerId) continue;
    if (event.type === 'customer.merged') survivor = text(event.data.survivorId);
    if (event.type === 'customer.unmerged' && text(event.data.survivorId) === survivor)
      survivor = null;
  }
  return survivor;
}
