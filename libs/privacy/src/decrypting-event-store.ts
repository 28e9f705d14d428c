import type {
  AppendResult,
  BatchHandler,
  Checkpoint,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  Subscription,
} from '@touchline/event-store';
import type { PersonalDataVault } from './personal-data-vault';

/**
 * The event store as readers allowed to see personal data see it: every event read comes with its
 * personal fields back in `data` (or without them, once erased), and every event appended is
 * sealed first. Projections run on it, so that what they derive from free text (sentiment) still
 * works; they must store no personal field (docs/privacy.md). The relay and hash-chain
 * verification use the store itself: they must see what is stored.
 */
export class DecryptingEventStore implements EventStore {
  constructor(
    private readonly store: EventStore,
    private readonly vault: PersonalDataVault,
  ) {}

  get atomicMultiStreamAppends(): boolean {
    return this.store.atomicMultiStreamAppends;
  }

  async appendToStream(
    streamId: string,
    events: EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    return this.store.appendToStream(
      streamId,
      await this.vault.sealAll(streamId, events),
      expectedRevision,
    );
  }

  async appendToStreams(appends: StreamAppend[]): Promise<AppendResult[]> {
    // One key lookup for every stream of the batch, not one per stream.
    const sealed = await this.vault.sealMany(
      appends.flatMap((part, index) =>
        part.events.map((event) => ({ streamId: part.streamId, event, index })),
      ),
    );
    const events = appends.map((): EventToAppend[] => []);
    for (const { index, event } of sealed) events[index]!.push(event);
    return this.store.appendToStreams(appends.map((part, i) => ({ ...part, events: events[i]! })));
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.open(await this.store.readStream(streamId, options));
  }

  async readAll(fromCheckpoint: Checkpoint | null, limit: number): Promise<ReadAllResult> {
    const page = await this.store.readAll(fromCheckpoint, limit);
    return { ...page, events: await this.open(page.events) };
  }

  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): Subscription {
    return this.store.subscribeToAll(options, async (events, checkpoint) =>
      handler(await this.open(events), checkpoint),
    );
  }

  compareCheckpoints(a: Checkpoint | null, b: Checkpoint | null): number {
    return this.store.compareCheckpoints(a, b);
  }

  /** The store belongs to whoever made it. */
  async close(): Promise<void> {}

  private async open(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    if (!events.some((e) => e.personal)) return events;
    return this.vault.openAll(events);
  }
}
