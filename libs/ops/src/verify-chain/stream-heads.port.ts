/**
 * The store's own record of each stream's head, kept beside the events (PostgreSQL:
 * touchline.streams). The EventStore port does not expose it, and verification works without it;
 * with it, verification also sees what the rows alone cannot: a deleted last event, and a forged
 * event appended after the head with a well-formed hash.
 */
export const OPS_STREAM_HEADS = Symbol('OPS_STREAM_HEADS');

export interface StreamHead {
  streamId: string;
  /** Revision of the stream's last event; -1 when the stream has none. */
  revision: number;
  /** Hash of that event, hex; '' when the stream has none. */
  lastHash: string;
}

export interface StreamHeads {
  /** The stream's head, or null when the store keeps no head for it. */
  head(streamId: string): Promise<StreamHead | null>;
  /** Heads in stream id order, after `after` (exclusive); at most `limit`. */
  list(after: string | null, limit: number): Promise<StreamHead[]>;
  /** How many events the store holds: the denominator of a whole-store progress bar. */
  countEvents(): Promise<number>;
}
