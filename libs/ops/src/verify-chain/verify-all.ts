import type { Checkpoint, EventStore } from '@touchline/event-store';
import { HashChainUnavailableError } from '../errors';
import { followsLink, GENESIS, storedHash } from './chain-link';
import type { StreamVerification } from './check-chain';
import type { StreamHeads } from './stream-heads.port';
import { verifyStream } from './verify-stream';

export interface VerifyProgress {
  /** Events checked so far. */
  events: number;
  /** Events in the store when the walk began; null when the adapter cannot count them. */
  total: number | null;
}

export interface VerifyAllOptions {
  heads?: StreamHeads | null;
  /** Called after each page of the global log. */
  onProgress?: (progress: VerifyProgress) => void;
  /** Events per readAll page. Default 1000. */
  pageSize?: number;
}

export interface StoreVerification {
  /** Streams seen in the log or in the heads. */
  streams: number;
  /** Events checked. */
  events: number;
  ok: boolean;
  /** The first broken link of each broken stream, in stream id order. */
  broken: StreamVerification[];
}

interface StreamState {
  /** Events of the stream met in the log. */
  seen: number;
  next: number;
  previous: Buffer;
  suspect: boolean;
}

/**
 * Verifies every stream's hash chain in one pass over the global log. The log brings each
 * stream's events in revision order, so a stream costs one hash per event and a few bytes of
 * state, never its whole history in memory. A stream whose events stop chaining, or whose end
 * disagrees with its head, is re-read on its own with verifyStream, which names the first broken
 * link. That also settles streams the walk could not finish: streams that grew while it ran, and
 * events the log does not show yet because a transaction older than theirs is still open
 * somewhere on the cluster (readAll never passes one).
 */
export async function verifyAll(
  store: EventStore,
  { heads, onProgress, pageSize = 1000 }: VerifyAllOptions = {},
): Promise<StoreVerification> {
  const total = heads ? await heads.countEvents() : null;
  const streams = new Map<string, StreamState>();
  let events = 0;
  let checkpoint: Checkpoint | null = null;
  onProgress?.({ events, total });

  for (;;) {
    const page = await store.readAll(checkpoint, pageSize);
    if (page.events.length === 0) break;
    for (const event of page.events) {
      if (event.hash === null) throw new HashChainUnavailableError(event.streamId);
      let state = streams.get(event.streamId);
      if (!state) {
        state = { seen: 0, next: 0, previous: GENESIS, suspect: false };
        streams.set(event.streamId, state);
      }
      state.seen += 1;
      if (state.suspect) continue;
      if (
        event.revision === state.next &&
        followsLink(event.streamId, event, state.previous, state.next)
      ) {
        state.next += 1;
        state.previous = storedHash(event);
      } else {
        state.suspect = true;
      }
    }
    events += page.events.length;
    checkpoint = page.checkpoint;
    onProgress?.({ events, total });
    // A short page means the walk has caught up; chasing live appends could last forever, and
    // the head comparison below sends every stream that grew since to a recheck anyway.
    if (page.events.length < pageSize) break;
  }

  if (heads) await compareHeads(heads, streams);

  const broken: StreamVerification[] = [];
  const suspects = [...streams].filter(([, state]) => state.suspect).map(([streamId]) => streamId);
  for (const streamId of suspects.sort()) {
    const result = await verifyStream(store, streamId, { heads });
    events += result.events - streams.get(streamId)!.seen;
    onProgress?.({ events, total });
    if (!result.ok) broken.push(result);
  }
  return { streams: streams.size, events, ok: broken.length === 0, broken };
}

/** Marks streams whose last event read is not the head the store recorded, or that have no head. */
async function compareHeads(heads: StreamHeads, streams: Map<string, StreamState>): Promise<void> {
  const withHead = new Set<string>();
  let after: string | null = null;
  for (;;) {
    const page = await heads.list(after, 1000);
    if (page.length === 0) break;
    for (const head of page) {
      withHead.add(head.streamId);
      const state = streams.get(head.streamId);
      if (!state) {
        if (head.revision >= 0)
          streams.set(head.streamId, { seen: 0, next: 0, previous: GENESIS, suspect: true });
        continue;
      }
      if (head.revision !== state.next - 1 || head.lastHash !== state.previous.toString('hex')) {
        state.suspect = true;
      }
    }
    after = page[page.length - 1]!.streamId;
  }
  for (const [streamId, state] of streams) if (!withHead.has(streamId)) state.suspect = true;
}
