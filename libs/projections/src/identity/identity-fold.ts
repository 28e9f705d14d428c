import type { JsonObject, RecordedEvent } from '@touchline/event-store';
import { deepFreeze, describe, present, type DeadLetter, type FoldResult } from '../fold-support';
import type { AnyProjection, PoisonPolicy } from '../projection.definition';
import type { SourceRecord } from '../source.port';
import { IdentityGraph, type IdentityChange } from './identity-graph';

/**
 * The fold needs data the caller has not handed in yet. Rows and stream revisions are loaded in
 * the batch's transaction and the (pure, deterministic) fold is run again; streams' events come
 * from the event store, which is read outside the transaction (with a pool of one connection the
 * store and the read models share the connection), so the transaction is rolled back first.
 */
export class IdentityFoldNeedsError extends Error {
  constructor(
    readonly rows: readonly string[],
    readonly revisions: readonly string[],
    readonly streams: readonly string[],
  ) {
    super(
      `identity fold needs ${rows.length} rows, ${revisions.length} stream revisions, ${streams.length} streams`,
    );
    this.name = 'IdentityFoldNeedsError';
  }
}

export interface IdentityFoldInput {
  definition: AnyProjection;
  policy: PoisonPolicy;
  records: readonly SourceRecord[];
  /** The identity map's components around the batch's streams; not modified (see result.graph). */
  graph: IdentityGraph;
  /** A stored row: null when absent, undefined when not loaded. */
  stored(key: string): JsonObject | null | undefined;
  /** A stream's applied revision: null when none, undefined when not loaded. */
  appliedRevision(streamId: string): number | null | undefined;
  /**
   * The events of `streams` this build has seen by the time of `upTo`: those at or before it in
   * the log, and those at or below each stream's applied revision (a partitioned source may have
   * applied a stream further). In log order. `missing`: streams not at hand.
   */
  history(
    streams: readonly string[],
    upTo: RecordedEvent,
    applied: ReadonlyMap<string, number>,
  ): { events: readonly RecordedEvent[] } | { missing: readonly string[] };
  /** Events the database refused (index in records → reason): poison. */
  forced?: ReadonlyMap<number, string>;
}

export interface IdentityFoldResult extends FoldResult {
  /** The map after the batch (its changes() are what to write back). */
  graph: IdentityGraph;
  /** The rows loaded for the fold, null when absent: saveRows' `existed` is the non-null ones. */
  loaded: ReadonlyMap<string, JsonObject | null>;
}

/**
 * The fold of an identity-aware projection, in log order, one event at a time:
 * - an event counts for the canonical stream of its stream (rowKey and evolve get it);
 * - its identity changes are applied to the map; when they move streams to another canonical
 *   stream, the rows of both groups are deleted and the events of every stream involved, read
 *   from the store up to this event, are folded again under the new map. That is the same as if
 *   the map had always been the new one for those events, so a live build and a clean rebuild
 *   agree, whatever their batches.
 * An event is applied whole or not at all (poison: stop or dead-letter, as foldCandidates).
 */
export function foldWithIdentity(input: IdentityFoldInput): IdentityFoldResult {
  const { definition, policy, records } = input;
  const rules = definition.identity!;
  const handles = new Set(definition.handles);
  const forced = input.forced ?? new Map<number, string>();
  let graph = input.graph.clone();
  const rows = new Map<string, JsonObject | null>();
  const loaded = new Map<string, JsonObject | null>();
  const revisions = new Map<string, number>();
  const result: IdentityFoldResult = {
    writes: new Map(),
    deadLetters: [],
    revisions,
    stop: null,
    applied: 0,
    graph,
    loaded,
  };
  const needRows = new Set<string>();
  const needRevisions = new Set<string>();
  // Streams whose events a refold needs and the caller has not read: collected over the whole
  // batch (the map's changes do not depend on rows), so that the caller reads them all at once.
  const needStreams = new Set<string>();

  const applied = (stream: string): number | null | undefined =>
    revisions.has(stream) ? revisions.get(stream)! : input.appliedRevision(stream);
  const row = (key: string): JsonObject | null | undefined => {
    if (rows.has(key)) return rows.get(key)!;
    const stored = input.stored(key);
    if (stored === undefined) {
      needRows.add(key);
      return undefined;
    }
    const frozen = deepFreeze(stored);
    rows.set(key, frozen);
    loaded.set(key, frozen);
    return frozen;
  };
  const keysOf = (event: RecordedEvent, canonical: string): string[] => {
    if (!handles.has(event.type)) return [];
    const key = definition.rowKey(event, { canonical });
    if (key === null) return [];
    const keys = typeof key === 'string' ? [key] : [...new Set(key)];
    if (keys.some((k) => typeof k !== 'string')) throw new TypeError('rowKey must return strings');
    return keys;
  };
  const evolve = (
    current: JsonObject | null,
    event: RecordedEvent,
    key: string,
    canonical: string,
  ): JsonObject | null => {
    const after = definition.evolve(current, event, { key, canonical });
    if (after !== null && (typeof after !== 'object' || Array.isArray(after))) {
      throw new TypeError('evolve must return an object or null');
    }
    return after === null ? null : deepFreeze(after);
  };

  for (let index = 0; index < records.length; index++) {
    const { event } = records[index]!;
    const stream = event.streamId;
    let reason = forced.get(index);
    let changes: readonly IdentityChange[] = [];
    if (reason === undefined) {
      try {
        changes = rules.changes(event);
        if (!Array.isArray(changes)) throw new TypeError('identity.changes must return an array');
      } catch (error) {
        reason = describe(error);
      }
    }
    // Neither handled nor an identity change: nothing to do, not even its stream's revision to read.
    if (!handles.has(event.type) && changes.length === 0 && reason === undefined) continue;
    const before = applied(stream);
    if (before === undefined) {
      needRevisions.add(stream);
      continue;
    }
    if (before !== null && event.revision <= before) continue;

    let next = new Map<string, JsonObject | null>();
    let nextGraph = graph;
    const raised = new Map<string, number>([[stream, event.revision]]);
    if (reason === undefined) {
      try {
        if (changes.length > 0) nextGraph = graph.clone();
        const moved = new Set<string>();
        for (const change of changes) {
          for (const s of nextGraph.apply(change, event.position)?.streams ?? []) moved.add(s);
        }
        if (moved.size === 0) {
          const canonical = graph.root(stream);
          for (const key of keysOf(event, canonical)) {
            const current = row(key);
            if (current === undefined) continue;
            next.set(key, evolve(next.get(key) ?? current, event, key, canonical));
          }
        } else {
          next = refold([...moved].sort(), event, graph, nextGraph, raised);
        }
      } catch (error) {
        if (error instanceof IdentityFoldNeedsError) throw error;
        reason = describe(error);
      }
    }
    if (needRows.size > 0 || needRevisions.size > 0) break;

    if (reason !== undefined) {
      if (policy === 'stop') {
        result.stop = { index, event, reason };
        break;
      }
      result.deadLetters.push({ event, reason } satisfies DeadLetter);
      revisions.set(stream, event.revision);
      continue;
    }
    for (const [key, value] of next) {
      rows.set(key, value);
      result.writes.set(key, { row: value, position: event.position });
    }
    for (const [s, revision] of raised) {
      const current = applied(s);
      if (current === null || current === undefined || current < revision)
        revisions.set(s, revision);
    }
    graph = nextGraph;
    if (handles.has(event.type)) result.applied++;
  }

  if (needRows.size > 0 || needRevisions.size > 0 || needStreams.size > 0) {
    throw new IdentityFoldNeedsError([...needRows], [...needRevisions], [...needStreams]);
  }
  result.graph = graph;
  return result;

  /**
   * The rows of the groups `streams` belong to, folded again under the new map from the events
   * seen so far. Old rows (their keys under the old map) are deleted unless folded again.
   */
  function refold(
    streams: string[],
    upTo: RecordedEvent,
    oldGraph: IdentityGraph,
    newGraph: IdentityGraph,
    raised: Map<string, number>,
  ): Map<string, JsonObject | null> {
    const appliedOf = new Map<string, number>();
    const unknown: string[] = [];
    for (const s of streams) {
      const revision = applied(s);
      if (revision === undefined) unknown.push(s);
      else if (revision !== null) appliedOf.set(s, revision);
    }
    if (unknown.length > 0) {
      for (const s of unknown) needRevisions.add(s);
      return new Map();
    }
    const history = input.history(streams, upTo, appliedOf);
    if ('missing' in history) {
      // Go on without them: what follows is folded only to find every stream the batch needs.
      for (const s of history.missing) needStreams.add(s);
      return new Map();
    }

    const fresh = new Map<string, JsonObject | null>();
    const keys = new Set<string>();
    for (const event of history.events) {
      const previous = raised.get(event.streamId);
      if (previous === undefined || previous < event.revision)
        raised.set(event.streamId, event.revision);
      for (const key of keysOf(event, oldGraph.root(event.streamId))) keys.add(key);
      const canonical = newGraph.root(event.streamId);
      const changed = new Map<string, JsonObject | null>();
      try {
        for (const key of keysOf(event, canonical)) {
          keys.add(key);
          changed.set(
            key,
            evolve(changed.get(key) ?? fresh.get(key) ?? null, event, key, canonical),
          );
        }
      } catch (error) {
        // The identity event itself is poison; an older event that could not be applied was
        // dead-lettered when it came (and stays left out), unless the projection stops on poison.
        if (event.eventId === upTo.eventId || policy === 'stop') {
          throw new Error(
            `folding ${event.streamId}@${event.revision} again for an identity change: ${describe(error)}`,
          );
        }
        continue;
      }
      for (const [key, value] of changed) fresh.set(key, value);
    }
    const out = new Map<string, JsonObject | null>();
    for (const key of [...keys].sort()) {
      if (row(key) === undefined) continue;
      out.set(key, fresh.get(key) ?? null);
    }
    return out;
  }
}

/**
 * projectInMemory for identity-aware projections: the same fold, with every event seen so far as
 * the history and nothing stored.
 */
export function projectIdentityInMemory(
  definition: AnyProjection,
  events: Iterable<RecordedEvent>,
): { rows: Map<string, JsonObject>; deadLetters: DeadLetter[]; stoppedAt: RecordedEvent | null } {
  const rows = new Map<string, JsonObject | null>();
  const revisions = new Map<string, number>();
  const seen: RecordedEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  let graph = new IdentityGraph();
  const policy = definition.onPoison ?? 'stop';
  for (const event of events) {
    seen.push(event);
    const folded = foldWithIdentity({
      definition,
      policy,
      records: [{ event, cursor: event.position }],
      graph,
      stored: (key) => rows.get(key) ?? null,
      appliedRevision: (stream) => revisions.get(stream) ?? null,
      // Everything seen so far is at or before the event in hand.
      history: (streams) => {
        const wanted = new Set(streams);
        return { events: seen.filter((e) => wanted.has(e.streamId)) };
      },
    });
    deadLetters.push(...folded.deadLetters);
    if (folded.stop) return { rows: present(rows), deadLetters, stoppedAt: folded.stop.event };
    for (const [key, write] of folded.writes) rows.set(key, write.row);
    for (const [stream, revision] of folded.revisions) revisions.set(stream, revision);
    graph = folded.graph;
  }
  return { rows: present(rows), deadLetters, stoppedAt: null };
}
