import type { EventStore } from '@touchline/event-store';
import { HashChainUnavailableError } from '../errors';
import { checkChain, type StreamVerification } from './check-chain';
import type { StreamHeads } from './stream-heads.port';

export interface VerifyStreamOptions {
  /** The store's stream heads, where the adapter keeps them; see StreamHeads. */
  heads?: StreamHeads | null;
}

/**
 * Re-computes one stream's hash chain from its events as the EventStore port returns them, so it
 * holds for any adapter that returns hashes. Throws HashChainUnavailableError for one that does not.
 */
export async function verifyStream(
  store: EventStore,
  streamId: string,
  { heads }: VerifyStreamOptions = {},
): Promise<StreamVerification> {
  const before = heads ? await heads.head(streamId) : null;
  const events = await store.readStream(streamId);
  const after = heads ? await heads.head(streamId) : null;
  if (events.some((event) => event.hash === null)) throw new HashChainUnavailableError(streamId);
  return checkChain(streamId, events, heads ? { before, after } : undefined);
}
