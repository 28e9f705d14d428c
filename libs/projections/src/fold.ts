import type { JsonObject, RecordedEvent } from '@touchline/event-store';
import type { AnyProjection, PoisonPolicy } from './projection.definition';
import { deepFreeze, describe, present, type DeadLetter, type FoldResult } from './fold-support';
import { projectIdentityInMemory } from './identity/identity-fold';
import type { SourceRecord } from './source.port';

/** A handled event that is new to the projection, with the rows it touches. */
export interface Candidate {
  /** Index in the batch. */
  index: number;
  event: RecordedEvent;
  keys: string[];
  /** rowKey threw: the event is poison. */
  keyError?: unknown;
}

/**
 * The events of a batch this projection must apply: of a handled type, above the stream's applied
 * revision (a redelivery is skipped), and for at least one row. Redeliveries inside one batch are
 * skipped too, because the running revisions are updated as the batch is walked.
 */
export function selectCandidates(
  definition: AnyProjection,
  records: readonly SourceRecord[],
  appliedRevisions: ReadonlyMap<string, number>,
): Candidate[] {
  const handles = new Set(definition.handles);
  const seen = new Map(appliedRevisions);
  const candidates: Candidate[] = [];
  records.forEach(({ event }, index) => {
    if (!handles.has(event.type)) return;
    const applied = seen.get(event.streamId);
    if (applied !== undefined && event.revision <= applied) return;
    seen.set(event.streamId, event.revision);
    let keys: string[];
    try {
      const key = definition.rowKey(event, { canonical: event.streamId });
      if (key === null) return;
      keys = typeof key === 'string' ? [key] : [...new Set(key)];
      if (keys.some((k) => typeof k !== 'string'))
        throw new TypeError('rowKey must return strings');
    } catch (keyError) {
      candidates.push({ index, event, keys: [], keyError });
      return;
    }
    if (keys.length > 0) candidates.push({ index, event, keys });
  });
  return candidates;
}

/**
 * Folds the candidates, in order, into the rows loaded for them. An event either changes all of
 * its rows or none (its results are kept aside until every row succeeded). `forced` marks events
 * already known to be poison (the database refused them), with the reason.
 */
export function foldCandidates(
  definition: AnyProjection,
  policy: PoisonPolicy,
  candidates: readonly Candidate[],
  rows: Map<string, JsonObject | null>,
  forced: ReadonlyMap<number, string> = new Map(),
): FoldResult {
  const result: FoldResult = {
    writes: new Map(),
    deadLetters: [],
    revisions: new Map(),
    stop: null,
    applied: 0,
  };
  for (const candidate of candidates) {
    const { event } = candidate;
    let reason =
      forced.get(candidate.index) ??
      (candidate.keyError === undefined ? undefined : describe(candidate.keyError));
    const next = new Map<string, JsonObject | null>();
    if (reason === undefined) {
      try {
        for (const key of candidate.keys) {
          const after = definition.evolve(rows.get(key) ?? null, event, {
            key,
            canonical: event.streamId,
          });
          if (after !== null && (typeof after !== 'object' || Array.isArray(after))) {
            throw new TypeError('evolve must return an object or null');
          }
          next.set(key, after === null ? null : deepFreeze(after));
        }
      } catch (error) {
        reason = describe(error);
      }
    }
    if (reason !== undefined) {
      if (policy === 'stop') {
        result.stop = { index: candidate.index, event, reason };
        return result;
      }
      result.deadLetters.push({ event, reason });
      result.revisions.set(event.streamId, event.revision);
      continue;
    }
    for (const [key, row] of next) {
      rows.set(key, row);
      result.writes.set(key, { row, position: event.position });
    }
    result.revisions.set(event.streamId, event.revision);
    result.applied++;
  }
  return result;
}

/**
 * A clean build in memory: every event folded in order, as the engine would from an empty table.
 * For tests and for verifying a stored model against the log.
 */
export function projectInMemory(
  definition: AnyProjection,
  events: Iterable<RecordedEvent>,
): { rows: Map<string, JsonObject>; deadLetters: DeadLetter[]; stoppedAt: RecordedEvent | null } {
  if (definition.identity) return projectIdentityInMemory(definition, events);
  const rows = new Map<string, JsonObject | null>();
  const revisions = new Map<string, number>();
  const deadLetters: DeadLetter[] = [];
  const policy = definition.onPoison ?? 'stop';
  for (const event of events) {
    const candidates = selectCandidates(definition, [{ event, cursor: event.position }], revisions);
    const folded = foldCandidates(definition, policy, candidates, rows);
    deadLetters.push(...folded.deadLetters);
    if (folded.stop) return { rows: present(rows), deadLetters, stoppedAt: folded.stop.event };
    for (const [stream, revision] of folded.revisions) revisions.set(stream, revision);
  }
  return { rows: present(rows), deadLetters, stoppedAt: null };
}

export { deepFreeze, describe, present } from './fold-support';
export type { DeadLetter, FoldResult, RowWrite } from './fold-support';
