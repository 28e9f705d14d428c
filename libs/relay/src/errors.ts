/**
 * This instance is no longer the leader: its lock connection is gone, or the checkpoint row names
 * a newer term. Whatever it was doing must stop without touching the checkpoint.
 */
export class LeadershipLostError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LeadershipLostError';
  }
}

/** The relay was asked to stop while a batch was still unacknowledged. */
export class RelayStoppedError extends Error {
  constructor() {
    super('The relay is stopping');
    this.name = 'RelayStoppedError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
