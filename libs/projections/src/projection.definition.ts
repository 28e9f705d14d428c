import type { JsonObject, RecordedEvent } from '@touchline/event-store';
import type { IdentityChange } from './identity/identity-graph';
import { assertProjectionName } from './names';

/** What the engine does with an event the projection cannot apply (evolve or rowKey threw, or the row was refused by the database). */
export type PoisonPolicy = 'stop' | 'dead-letter';

/** A btree index on one jsonb path of the rows, for lookups other than by key. */
export interface JsonbIndex {
  name: string;
  path: readonly string[];
}

/** Rows kept generically as jsonb: `key text PRIMARY KEY, data jsonb, updated_position text`. */
export interface JsonbTable {
  kind: 'jsonb';
  indexes?: readonly JsonbIndex[];
}

/**
 * How a projection's rows are stored. Only the generic jsonb table exists today; typed read models
 * with real columns join this union with their own ProjectionStorage.
 */
export type ProjectionTable = JsonbTable;

/**
 * Opts a projection into identity resolution (docs/projections.md, "Identity"). The engine keeps
 * an identity map per build (stream → the stream it counts for), updated from the changes these
 * rules read in events, in the batch's transaction, and hands rowKey and evolve the canonical
 * stream of each event. When a change moves streams to another canonical stream, the rows of the
 * groups involved are deleted and folded again from the store, in log order.
 *
 * Contract: every row of an identity-aware projection belongs to one group, that is, its key is
 * derived from the canonical stream (and the event), so that the rows of a group are exactly the
 * keys its events produce.
 */
export interface IdentityRules {
  /** Identity links and unlinks the event records (usually none). Pure; a throw makes it poison. */
  changes(event: RecordedEvent): readonly IdentityChange[];
}

/** What rowKey knows besides the event. */
export interface KeyContext {
  /** The stream the event counts for: its own one, or, for identity-aware projections, the root of its links. */
  canonical: string;
}

/** What evolve knows besides the row and the event. */
export interface EvolveContext extends KeyContext {
  /** The key of the row being evolved (one of rowKey's answers). */
  key: string;
}

/**
 * A projection, declared: the engine reads the log, keeps the checkpoint, skips redeliveries and
 * writes the rows. Rows must be plain JSON (use a `type` alias, not an `interface`, so that it fits
 * JsonObject).
 */
export interface ProjectionDefinition<Row extends JsonObject = JsonObject> {
  /** Lower case, [a-z0-9_], at most 32 characters; also the name of the read view. */
  readonly name: string;
  /**
   * Bump it when evolve or the row shape changes incompatibly: a process running the new version
   * builds it beside the live one and switches reads when it has caught up.
   */
  readonly version: number;
  /** Event types the projection reads; every other event only moves its checkpoint. */
  readonly handles: readonly string[];
  /** The row (or rows) an event changes; null when the event is not for this projection. */
  rowKey(event: RecordedEvent, context: KeyContext): string | readonly string[] | null;
  /**
   * Pure: the row after the event, or null to delete it. The row handed in is frozen: return a
   * new object. A throw makes the event poison (see onPoison).
   */
  evolve(row: Row | null, event: RecordedEvent, context: EvolveContext): Row | null;
  /** Default 'stop'. */
  readonly onPoison?: PoisonPolicy;
  /** Default `{ kind: 'jsonb' }`. */
  readonly table?: ProjectionTable;
  /** Identity resolution (links, merges); absent: every event counts for its own stream. */
  readonly identity?: IdentityRules;
}

export type AnyProjection = ProjectionDefinition<JsonObject>;

const PATH_PART = /^[A-Za-z0-9_]+$/;

/** Checks a definition once, at the edge, so that the engine can trust it. */
export function defineProjection<Row extends JsonObject>(
  definition: ProjectionDefinition<Row>,
): ProjectionDefinition<Row> {
  assertProjectionName(definition.name);
  if (
    !Number.isInteger(definition.version) ||
    definition.version < 1 ||
    definition.version > 999_999
  ) {
    throw new TypeError(
      `Projection ${definition.name}: version must be an integer from 1 to 999999`,
    );
  }
  if (
    !Array.isArray(definition.handles) ||
    definition.handles.length === 0 ||
    definition.handles.some((t) => typeof t !== 'string' || t.length === 0)
  ) {
    throw new TypeError(`Projection ${definition.name}: handles must list at least one event type`);
  }
  if (typeof definition.rowKey !== 'function' || typeof definition.evolve !== 'function') {
    throw new TypeError(`Projection ${definition.name}: rowKey and evolve must be functions`);
  }
  const policy = definition.onPoison ?? 'stop';
  if (policy !== 'stop' && policy !== 'dead-letter') {
    throw new TypeError(`Projection ${definition.name}: onPoison must be 'stop' or 'dead-letter'`);
  }
  if (definition.identity !== undefined && typeof definition.identity.changes !== 'function') {
    throw new TypeError(`Projection ${definition.name}: identity.changes must be a function`);
  }
  const table = definition.table ?? { kind: 'jsonb' };
  if (table.kind !== 'jsonb') {
    throw new TypeError(`Projection ${definition.name}: unknown table kind ${String(table.kind)}`);
  }
  for (const index of table.indexes ?? []) {
    if (
      !/^[a-z][a-z0-9_]{0,15}$/.test(index.name) ||
      index.path.length === 0 ||
      !index.path.every((p) => PATH_PART.test(p))
    ) {
      throw new TypeError(
        `Projection ${definition.name}: index ${index.name} needs a short name and a path of [A-Za-z0-9_] parts`,
      );
    }
  }
  return Object.freeze({ ...definition, handles: Object.freeze([...definition.handles]) });
}

export function poisonPolicy(definition: AnyProjection): PoisonPolicy {
  return definition.onPoison ?? 'stop';
}
