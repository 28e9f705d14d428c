import type { Touchpoint } from '@touchline/touchpoints';

/** Optional: bound by the application (e.g. to metrics); ingestion works the same without it. */
export const INGEST_OBSERVER = Symbol('INGEST_OBSERVER');

export type IngestEntryPoint = 'http' | 'segment' | 'kafka';

/**
 * What ingestion reports as it works, for metrics. Calls are synchronous and cheap; an
 * implementation must not throw (a throw is swallowed) and must not block.
 */
export interface IngestObserver {
  /**
   * After a record command: how long the append took and each touchpoint's outcome (in the order
   * given), or the error that refused them all.
   */
  recorded(
    touchpoints: readonly Touchpoint[],
    outcome: { statuses: readonly ('appended' | 'duplicate')[] } | { error: unknown },
    durationSeconds: number,
  ): void;
  /** Touchpoints refused before the command because they are invalid (a 400, a dead letter). */
  rejected(entryPoint: IngestEntryPoint, touchpoints: readonly { type?: unknown }[]): void;
  /** Inbound Kafka messages written to the dead-letter topic. */
  deadLettered(count: number): void;
}

/** Calls an observer without letting its failure reach ingestion. */
export function notify(
  observer: IngestObserver | null | undefined,
  call: (o: IngestObserver) => void,
): void {
  if (!observer) return;
  try {
    call(observer);
  } catch {
    // Metrics must never fail an ingestion.
  }
}
