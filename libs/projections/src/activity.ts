/**
 * What the engine reports as it works: for metrics and logs, which the application wires (the
 * library itself never logs).
 */
export type EngineActivity =
  | {
      type: 'batch-committed';
      projection: string;
      generation: number;
      partition: string;
      /** Records in the batch (handled or not). */
      events: number;
      /** Events folded into rows (the rest were other types, other rows, or redeliveries). */
      applied: number;
      deadLettered: number;
      durationMs: number;
    }
  | {
      type: 'checkpoint-conflict';
      projection: string;
      generation: number;
      partition: string;
      expected: string | null;
      actual: string | null;
    }
  | {
      type: 'poison';
      projection: string;
      generation: number;
      policy: 'stop' | 'dead-letter';
      eventId: string;
      streamId: string;
      revision: number;
      reason: string;
    }
  | { type: 'switched'; projection: string; version: number; from: number; to: number }
  | { type: 'rebuild-started'; projection: string; version: number; generation: number }
  | { type: 'error'; projection?: string; generation?: number; phase: string; error: unknown };

export type ActivityObserver = (activity: EngineActivity) => void;
