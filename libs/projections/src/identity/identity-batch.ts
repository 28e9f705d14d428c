import type { Checkpoint, JsonObject, RecordedEvent } from '@touchline/event-store';
import type { PoolClient } from 'pg';
import type { AnyProjection, PoisonPolicy } from '../projection.definition';
import type { SourceRecord } from '../source.port';
import { loadIdentityComponents, storeIdentityLinks } from '../sql/identityLinks';
import { readStreamRevisions } from '../sql/streamRevisions';
import type { ProjectionStorage } from '../storage/projection-storage.port';
import { foldWithIdentity, IdentityFoldNeedsError, type IdentityFoldResult } from './identity-fold';
import { IdentityGraph, type IdentityChange } from './identity-graph';

export interface IdentityBatch {
  client: PoolClient;
  definition: AnyProjection;
  storage: ProjectionStorage;
  build: { name: string; generation: number; table: string; streamsTable: string };
  records: readonly SourceRecord[];
  policy: PoisonPolicy;
  forced: ReadonlyMap<number, string>;
  compare: (a: Checkpoint | null, b: Checkpoint | null) => number;
  /** Streams read from the store for this batch (outside its transaction); see IdentityFoldNeedsError. */
  histories: ReadonlyMap<string, readonly RecordedEvent[]>;
  /** Lock the rows loaded (see ProjectionStorage.loadRows). */
  lockRows: boolean;
}

/**
 * Loads what an identity-aware batch needs in its transaction (stream revisions, the identity
 * map's components around the batch, the rows), folds, and loads more and folds again when the
 * fold asks for it. Rethrows IdentityFoldNeedsError when it needs streams' events from the store:
 * the caller rolls back, reads them and retries. Writes the identity map's changes; the caller
 * writes rows, revisions and the rest as for any batch.
 */
export async function foldIdentityBatch(
  batch: IdentityBatch,
): Promise<{ folded: IdentityFoldResult; existed: Set<string> }> {
  const { client, definition, storage, build, records } = batch;
  // Only events the projection handles or that change the map need their stream's revision and
  // identity component (others are passed over by the fold; one whose rule throws is asked for).
  const handles = new Set(definition.handles);
  const relevant = new Set<string>();
  const streams = new Set<string>();
  for (const { event } of records) {
    const named = endpoints(definition, event);
    if (!handles.has(event.type) && named.length === 0) continue;
    relevant.add(event.streamId);
    streams.add(event.streamId);
    // Streams the batch's changes name join the components loaded: their groups move too.
    for (const s of named) streams.add(s);
  }
  const graph = new IdentityGraph(
    await loadIdentityComponents(client, build.name, build.generation, [...streams]),
  );

  const revisions = new Map<string, number | null>();
  const loadRevisions = async (wanted: readonly string[]) => {
    const missing = wanted.filter((s) => !revisions.has(s));
    const read = await readStreamRevisions(client, build.streamsTable, missing);
    for (const s of missing) revisions.set(s, read.get(s) ?? null);
  };
  const rows = new Map<string, JsonObject | null>();
  const loadRows = async (wanted: readonly string[]) => {
    const missing = [...new Set(wanted)].filter((k) => !rows.has(k)).sort();
    const read = await storage.loadRows(client, build.table, missing, { lock: batch.lockRows });
    for (const key of missing) rows.set(key, read.get(key) ?? null);
  };

  await loadRevisions([...relevant]);
  await loadRows(initialKeys(definition, records, graph));

  for (;;) {
    try {
      const folded = foldWithIdentity({
        definition,
        policy: batch.policy,
        records,
        graph,
        forced: batch.forced,
        stored: (key) => rows.get(key),
        appliedRevision: (stream) => revisions.get(stream),
        history: (wanted, upTo, applied) => history(batch, wanted, upTo, applied),
      });
      await storeIdentityLinks(client, build.name, build.generation, folded.graph.changes());
      const existed = new Set([...rows].filter(([, row]) => row !== null).map(([key]) => key));
      return { folded, existed };
    } catch (error) {
      if (!(error instanceof IdentityFoldNeedsError)) throw error;
      // Rows and revisions first, here in the transaction: folding again with them may find more
      // streams to read. Streams alone go to the caller, which reads them all outside it.
      if (error.rows.length === 0 && error.revisions.length === 0) throw error;
      await loadRevisions(error.revisions);
      await loadRows(error.rows);
    }
  }
}

function history(
  batch: IdentityBatch,
  streams: readonly string[],
  upTo: RecordedEvent,
  applied: ReadonlyMap<string, number>,
): { events: readonly RecordedEvent[] } | { missing: readonly string[] } {
  const missing = streams.filter((s) => !batch.histories.has(s));
  if (missing.length > 0) return { missing };
  const events: RecordedEvent[] = [];
  for (const stream of streams) {
    const revision = applied.get(stream) ?? -1;
    for (const event of batch.histories.get(stream)!) {
      if (batch.compare(event.position, upTo.position) <= 0 || event.revision <= revision)
        events.push(event);
    }
  }
  return { events: events.sort((a, b) => batch.compare(a.position, b.position)) };
}

/** The streams an event's identity changes name (a throwing rule is the fold's business). */
function endpoints(definition: AnyProjection, event: RecordedEvent): string[] {
  let changes: readonly IdentityChange[];
  try {
    changes = definition.identity!.changes(event);
  } catch {
    return [];
  }
  if (!Array.isArray(changes)) return [];
  return changes.flatMap((c) => (c.kind === 'link' ? [c.alias, c.into] : [c.alias, c.from]));
}

/** The rows of the batch's events under the map as loaded: most batches need no other. */
function initialKeys(
  definition: AnyProjection,
  records: readonly SourceRecord[],
  graph: IdentityGraph,
): string[] {
  const handles = new Set(definition.handles);
  const keys = new Set<string>();
  for (const { event } of records) {
    if (!handles.has(event.type)) continue;
    try {
      const key = definition.rowKey(event, { canonical: graph.root(event.streamId) });
      if (key === null) continue;
      for (const k of typeof key === 'string' ? [key] : key) if (typeof k === 'string') keys.add(k);
    } catch {
      // Poison: the fold reports it.
    }
  }
  return [...keys];
}
