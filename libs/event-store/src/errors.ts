import type { ExpectedRevision } from './event-store.port';

/** Base of the expected, typed conflicts of an append. Nothing of the append was written. */
export abstract class EventStoreConflictError extends Error {
  abstract readonly code: 'wrong_expected_revision' | 'event_id_conflict';
}

/** The stream was not at the revision the caller expected. */
export class WrongExpectedRevisionError extends EventStoreConflictError {
  readonly code = 'wrong_expected_revision' as const;
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual revision; -1 when it does not exist. */
    readonly actual: number,
  ) {
    super(
      `Stream ${streamId}: expected revision ${String(expected)}, actual ${actual === -1 ? 'no stream' : actual}`,
    );
    this.name = 'WrongExpectedRevisionError';
  }
}

/** An event id is already stored with other content (or in another stream). */
export class EventIdConflictError extends EventStoreConflictError {
  readonly code = 'event_id_conflict' as const;
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`Event ${eventId} is already stored with different content`);
    this.name = 'EventIdConflictError';
  }
}

/** The store cannot be reached or failed: nothing can be said about durability. Retry later. */
export class EventStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}

export function isConflict(error: unknown): error is EventStoreConflictError {
  return error instanceof EventStoreConflictError;
}
