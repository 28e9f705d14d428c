/** The event store in use keeps no hash chain (EventStoreDB): there is nothing to verify. */
export class HashChainUnavailableError extends Error {
  constructor(readonly streamId: string) {
    super(
      `Stream ${streamId}: this event store keeps no hash chain (tamper evidence is a feature of ` +
        'the PostgreSQL event store)',
    );
    this.name = 'HashChainUnavailableError';
  }
}

/** An erasure request id was used before, for the same customer, with another reason. */
export class ErasureRequestConflictError extends Error {
  constructor(
    readonly customerId: string,
    readonly requestId: string,
  ) {
    super(
      `Erasure request ${requestId} of customer ${customerId} was recorded before with other ` +
        'details: use a new requestId, or repeat the original request',
    );
    this.name = 'ErasureRequestConflictError';
  }
}
