/** A row the batch believed absent was inserted meanwhile by another transaction: retry the batch. */
export class RowConflictError extends Error {
  constructor(readonly table: string) {
    super(`A row of ${table} was inserted concurrently; the batch is retried`);
    this.name = 'RowConflictError';
  }
}

export class UnknownProjectionError extends Error {
  constructor(readonly projection: string) {
    super(`Unknown projection ${projection}`);
    this.name = 'UnknownProjectionError';
  }
}

/** waitForRebuild: the rebuild failed, was cancelled, or did not switch in time. */
export class RebuildNotCompletedError extends Error {
  constructor(
    readonly projection: string,
    readonly generation: number,
    readonly reason: 'failed' | 'cancelled' | 'timeout' | 'stopped',
    readonly lastError: string | null,
  ) {
    super(
      `Rebuild ${projection} generation ${generation} did not complete: ${reason}${lastError ? ` (${lastError})` : ''}`,
    );
    this.name = 'RebuildNotCompletedError';
  }
}

/**
 * Statement errors caused by the data of an event (bad value, constraint, size limit), as opposed
 * to the connection or a race: the batch is split to find the event, which is then poison.
 */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
