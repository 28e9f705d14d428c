import type { RecordedEvent } from '@touchline/event-store';
import { ChainLinks, GENESIS, storedHash } from './chain-link';
import type { StreamHead } from './stream-heads.port';

export type BreakReason = 'changed' | 'deleted' | 'inserted' | 'reordered';

export interface BrokenLink {
  /** The first revision at which the stored stream departs from its hash chain. */
  revision: number;
  reason: BreakReason;
  /** What an intact chain has there: a hash (hex) for 'changed', else a description. */
  expected: string;
  /** What the store returned there, in the same form. */
  actual: string;
}

export interface StreamVerification {
  streamId: string;
  /** Events read from the stream. */
  events: number;
  ok: boolean;
  firstBroken?: BrokenLink;
  /** Whether the store's own head was compared as well; without it a lost last event is unseen. */
  headChecked: boolean;
}

/**
 * The stream's head read just before and just after its events: before bounds what must be there
 * (nothing recorded by then may be missing), after bounds what may be there (nothing beyond it
 * was appended through the store). Two readings keep concurrent appends from looking like tampering.
 */
export interface HeadReadings {
  before: StreamHead | null;
  after: StreamHead | null;
}

/**
 * Hash computations spent, after a break, on finding out whether the event at the break belongs
 * elsewhere in the chain (reordered) or nowhere (inserted). Ordinary tampering costs a few per
 * event; only a wholesale shuffle of a long stream reaches the bound, and is then reported as
 * 'reordered' or 'inserted' from the local evidence alone.
 */
const SEARCH_BUDGET = 200_000;

/**
 * Re-computes a stream's hash chain from its events (in any order) and names the first broken
 * link. Each stored hash commits to the previous hash, the content, the revision and the recording
 * time, so the chain itself says where every unaltered event belongs:
 *
 * - changed: the event at the break no longer hashes to its stored hash, yet the next event (or
 *   the stream head) still builds on that stored hash;
 * - deleted: a revision is missing; or, where later revisions were renumbered to close the gap,
 *   the next event chains from the event at the break with a revision one higher than stored;
 *   or the head records more events than there are;
 * - inserted: an event that the chain nowhere attests sits at the break and the event that
 *   belongs there sits one revision later; or the forged event carries a well-formed link and the
 *   next event chains from the event before it; or an event lies beyond the stream head;
 * - reordered: the event that belongs at the break is stored at another revision, and the event
 *   stored at the break belongs elsewhere in the chain.
 *
 * What it cannot see: a tamperer who rewrites every hash from the change to the end and the head
 * too. Only an anchor kept outside the database (a published head hash) catches that.
 */
export function checkChain(
  streamId: string,
  events: readonly RecordedEvent[],
  heads?: HeadReadings,
): StreamVerification {
  const rows = [...events].sort((a, b) => a.revision - b.revision);
  const verifier = new ChainVerifier(streamId, rows);
  const firstBroken = verifier.firstBroken(heads);
  return {
    streamId,
    events: rows.length,
    ok: firstBroken === undefined,
    ...(firstBroken ? { firstBroken } : {}),
    headChecked: heads !== undefined,
  };
}

const id = (event: RecordedEvent): string => `event ${event.eventId}`;

class ChainVerifier {
  private readonly links: ChainLinks;
  private readonly byRevision = new Map<number, RecordedEvent>();
  /** Events in the order the chain attests, as far as it runs unbroken from the start. */
  private readonly chain: RecordedEvent[] = [];
  private readonly used = new Set<RecordedEvent>();
  private searchLimit = 0;

  constructor(
    streamId: string,
    private readonly rows: RecordedEvent[],
  ) {
    this.links = new ChainLinks(streamId);
    // Revisions are unique per stream (a constraint on PostgreSQL); were one repeated, the second
    // copy is left out of the walk and reported as inserted below.
    for (const row of rows)
      if (!this.byRevision.has(row.revision)) this.byRevision.set(row.revision, row);
  }

  firstBroken(heads: HeadReadings | undefined): BrokenLink | undefined {
    let previous = GENESIS;
    for (let revision = 0; ; revision++) {
      const row = this.byRevision.get(revision);
      if (!row || !this.links.attests(row, previous, revision)) break;
      this.chain.push(row);
      this.used.add(row);
      previous = storedHash(row);
    }
    if (this.chain.length === this.byRevision.size) {
      const duplicate = this.rows.find((row) => !this.used.has(row));
      if (duplicate) {
        return {
          revision: duplicate.revision,
          reason: 'inserted',
          expected: `one event at revision ${duplicate.revision}`,
          actual: `a second one, ${id(duplicate)}`,
        };
      }
      return heads ? this.compareHeads(heads) : undefined;
    }
    return this.classifyBreak(this.chain.length, heads);
  }

  /** The stored rows chain from start to end; only the store's head can show more. */
  private compareHeads({ before, after }: HeadReadings): BrokenLink | undefined {
    const last = this.chain.length - 1;
    const upTo = (revision: number) =>
      revision < 0 ? 'no events' : `events up to revision ${revision}`;
    if (before && before.revision > last) {
      return {
        revision: last + 1,
        reason: 'deleted',
        expected: `${upTo(before.revision)} (the stream head)`,
        actual: upTo(last),
      };
    }
    const headRevision = after ? after.revision : -1;
    if (headRevision < last) {
      return {
        revision: headRevision + 1,
        reason: 'inserted',
        expected: `${upTo(headRevision)} (the stream head)`,
        actual: `${id(this.chain[headRevision + 1]!)} at revision ${headRevision + 1}`,
      };
    }
    for (const head of [before, after]) {
      if (!head || head.revision < 0 || head.revision > last) continue;
      const row = this.chain[head.revision]!;
      // The rows chain, but not to the hash the store recorded as the head: rewritten with hashes.
      if (row.hash !== head.lastHash) {
        return {
          revision: head.revision,
          reason: 'changed',
          expected: head.lastHash,
          actual: row.hash ?? '',
        };
      }
    }
    return undefined;
  }

  private classifyBreak(at: number, heads: HeadReadings | undefined): BrokenLink {
    this.searchLimit = this.links.computed + SEARCH_BUDGET;
    const here = this.byRevision.get(at);
    const previous = this.previousOf(at);
    const belongsHere = this.search(previous, at, at, this.used);

    if (belongsHere) {
      const expected = `${id(belongsHere)} (stored at revision ${belongsHere.revision})`;
      if (!here) {
        return {
          revision: at,
          reason: 'reordered',
          expected,
          actual: `no event at revision ${at}`,
        };
      }
      if (!this.appearsLater(here, belongsHere, at) && belongsHere.revision === at + 1) {
        return {
          revision: at,
          reason: 'inserted',
          expected,
          actual: `${id(here)}, which no link of the chain attests`,
        };
      }
      return { revision: at, reason: 'reordered', expected, actual: id(here) };
    }

    if (!here) {
      const next = this.rows.find((row) => row.revision > at);
      return {
        revision: at,
        reason: 'deleted',
        expected: `an event at revision ${at}`,
        actual: next ? `the next event is at revision ${next.revision}` : 'no event',
      };
    }

    // A forged event with a well-formed link passed as revision at-1; the real one follows it.
    if (at >= 1 && this.links.attests(here, this.previousOf(at - 1), at - 1)) {
      const forged = this.chain[at - 1]!;
      return {
        revision: at - 1,
        reason: 'inserted',
        expected: `${id(here)} (now at revision ${at})`,
        actual: `${id(forged)}, whose link the next event does not follow`,
      };
    }

    const hereHash = storedHash(here);
    const next = this.byRevision.get(at + 1);
    if (next && this.links.attests(next, hereHash, at + 1)) return this.changed(here, previous, at);
    if (next && this.links.attests(next, hereHash, at + 2)) {
      return {
        revision: at,
        reason: 'deleted',
        expected: `the event that ${id(here)} follows`,
        actual: `${id(here)}, renumbered from revision ${at + 1} to ${at}`,
      };
    }
    if (!next && heads) {
      const headRevision = heads.after ? heads.after.revision : -1;
      if (headRevision < at) {
        return {
          revision: at,
          reason: 'inserted',
          expected: `no event after revision ${headRevision} (the stream head)`,
          actual: `${id(here)} at revision ${at}`,
        };
      }
      if (heads.before && heads.before.revision > at) {
        return {
          revision: at,
          reason: 'deleted',
          expected: `events up to revision ${heads.before.revision} (the stream head)`,
          actual: `events up to revision ${at}, the last not chaining`,
        };
      }
    }
    return this.changed(here, previous, at);
  }

  private changed(here: RecordedEvent, previous: Buffer, at: number): BrokenLink {
    return {
      revision: at,
      reason: 'changed',
      expected: here.hash ?? '',
      actual: this.links.hashAt(here, previous, at),
    };
  }

  private previousOf(revision: number): Buffer {
    return revision <= 0 ? GENESIS : storedHash(this.chain[revision - 1]!);
  }

  /**
   * Follows the chain on from `start` (which the chain places at `revision`) through the events
   * not yet placed, and tells whether `target` is among them: a real event moved elsewhere.
   */
  private appearsLater(target: RecordedEvent, start: RecordedEvent, revision: number): boolean {
    const placed = new Set(this.used).add(start);
    let previous = storedHash(start);
    let near = start.revision + 1;
    for (let next = revision + 1; ; next++) {
      const found = this.search(previous, next, near, placed);
      if (!found) return false;
      if (found === target) return true;
      placed.add(found);
      previous = storedHash(found);
      near = found.revision + 1;
    }
  }

  /**
   * The event, not in `exclude`, whose link follows `previous` at `revision`. Tries stored
   * revisions nearest to `near` first: tampering shifts events by little, so this is usually
   * one or two hashes.
   */
  private search(
    previous: Buffer,
    revision: number,
    near: number,
    exclude: ReadonlySet<RecordedEvent>,
  ): RecordedEvent | undefined {
    let right = lowerBound(this.rows, near);
    let left = right - 1;
    while (left >= 0 || right < this.rows.length) {
      if (this.links.computed > this.searchLimit) return undefined;
      const takeRight =
        right < this.rows.length &&
        (left < 0 || this.rows[right]!.revision - near <= near - this.rows[left]!.revision);
      const candidate = takeRight ? this.rows[right++]! : this.rows[left--]!;
      if (!exclude.has(candidate) && this.links.attests(candidate, previous, revision)) {
        return candidate;
      }
    }
    return undefined;
  }
}

/** Index of the first row at or after `revision` (rows sorted by revision). */
function lowerBound(rows: RecordedEvent[], revision: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.revision < revision) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
