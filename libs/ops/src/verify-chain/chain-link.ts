import { chainHash, recordDigest, type RecordedEvent } from '@touchline/event-store';

/** The previous hash of a stream's first event. */
export const GENESIS: Buffer = Buffer.alloc(0);

/**
 * Whether the event's stored hash is the link the store would have written for this content at
 * `revision` after `previous`. The hash binds the previous hash and the revision as well as the
 * content, which is what lets a verifier tell where a moved or renumbered event used to be.
 */
export class ChainLinks {
  private readonly digests = new Map<RecordedEvent, Buffer>();
  /** Hash computations so far: lets a caller bound the work of a search. */
  computed = 0;

  constructor(private readonly streamId: string) {}

  hashAt(event: RecordedEvent, previous: Buffer, revision: number): string {
    this.computed += 1;
    return chainHash(previous, this.digest(event), revision, event.recordedAt).toString('hex');
  }

  attests(event: RecordedEvent, previous: Buffer, revision: number): boolean {
    return revision >= 0 && this.hashAt(event, previous, revision) === event.hash;
  }

  private digest(event: RecordedEvent): Buffer {
    let digest = this.digests.get(event);
    if (!digest) {
      digest = recordDigest(this.streamId, {
        eventId: event.eventId,
        type: event.type,
        version: event.version,
        data: event.data,
        metadata: event.metadata,
        occurredAt: event.occurredAt ?? undefined,
        personal: event.personal,
      });
      this.digests.set(event, digest);
    }
    return digest;
  }
}

/** One-off form of ChainLinks.attests, for a single pass that never looks at an event twice. */
export function followsLink(
  streamId: string,
  event: RecordedEvent,
  previous: Buffer,
  revision: number,
): boolean {
  return new ChainLinks(streamId).attests(event, previous, revision);
}

export const storedHash = (event: RecordedEvent): Buffer => Buffer.from(event.hash ?? '', 'hex');
