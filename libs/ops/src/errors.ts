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
