import type { JsonObject, RecordedEvent } from '@touchline/event-store';

/* What the plain fold (fold.ts) and the identity fold (identity/identity-fold.ts) share. */

export interface DeadLetter {
  event: RecordedEvent;
  reason: string;
}

export interface RowWrite {
  row: JsonObject | null;
  /** The position of the last event that changed the row. */
  position: string;
}

export interface FoldResult {
  /** Rows the batch changed; null: delete. */
  writes: Map<string, RowWrite>;
  deadLetters: DeadLetter[];
  /** Per stream, the highest revision now applied (or dead-lettered). */
  revisions: Map<string, number>;
  /** Under the 'stop' policy: the poison event; nothing from it on is applied. */
  stop: { index: number; event: RecordedEvent; reason: string } | null;
  /** Events whose evolve ran on at least one row. */
  applied: number;
}

export function present(rows: Map<string, JsonObject | null>): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const [key, row] of rows) if (row !== null) out.set(key, row);
  return out;
}

/** The reason stored for a poison event; NUL is escaped because text columns refuse it. */
export function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split(String.fromCharCode(0)).join('\\u0000');
}

/** Rows are frozen so that an evolve that mutates its input fails loudly instead of corrupting the fold. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value as object)) deepFreeze(member);
  }
  return value;
}
