import type { Checkpoint } from '@touchline/event-store';
import type { FailedEvent } from './sql/builds';

export type ProjectionState = 'running' | 'rebuilding' | 'stopped' | 'failed';

export interface BuildProgress {
  version: number;
  generation: number;
  /** Store position of the last event applied (the lowest over source partitions). */
  checkpoint: Checkpoint | null;
  /** Committed events after the checkpoint, including those behind a still open transaction. */
  lagEvents: number;
  /** Age of the oldest event not applied yet; 0 when there is none. */
  lagSeconds: number;
  /** When the checkpoint last moved. */
  lastMovedAt: Date | null;
  /** recordedAt of the last event applied. */
  lastEventRecordedAt: Date | null;
  /** How long work has been waiting without the checkpoint moving; 0 when nothing waits. */
  stalledForMs: number;
}

export interface ProjectionStatus extends BuildProgress {
  name: string;
  state: ProjectionState;
  /** Nothing waits: lag 0. Never true while events wait, however fresh the checkpoint. */
  caughtUp: boolean;
  /** False when failed, or when work has waited longer than the stall threshold without progress. */
  healthy: boolean;
  lastError: { message: string; at: Date | null; event: FailedEvent | null } | null;
  deadLetters: number;
  /** The build being made beside the live one, if any. */
  rebuild:
    | (BuildProgress & {
        state: 'running' | 'stopped' | 'failed';
        applied: number;
        total: number;
        startedAt: Date;
        lastError: string | null;
      })
    | null;
}

export interface PositionWaitResult {
  /** Every projection asked for has applied the position. */
  reached: boolean;
  /** Where each of them stands (null: nothing applied yet). */
  positions: Record<string, Checkpoint | null>;
}

export interface RebuildStarted {
  projection: string;
  version: number;
  generation: number;
  /** A rebuild of this version was already under way; this call joined it. */
  alreadyRunning: boolean;
}
