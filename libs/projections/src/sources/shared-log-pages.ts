import type { Checkpoint, EventStore, ReadAllResult } from '@touchline/event-store';

export interface SharedLogPagesOptions {
  /** Most events kept in memory for readers that have not taken a page yet. Default 20,000. */
  maxEvents?: number;
}

interface Page {
  result: Promise<ReadAllResult>;
  /** Events in the page once read (0 while reading). */
  size: number;
  /** How many times it was handed out: it is dropped once every reader catching up took it. */
  served: number;
}

/**
 * Pages of the global log shared by the rebuilds of one engine. Rebuilds started together (every
 * projection after a deployment, `rebuild` of several) read the same pages from the start of the
 * log: without sharing, each of them reads the whole log again and, through the privacy vault's
 * DecryptingEventStore, decrypts every personal part again. Here the first reader of a page
 * (`from`, `limit`) reads it; readers that ask for it meanwhile or afterwards get the same events.
 *
 * A page is kept until as many readers as are catching up took it, or until
 * `maxEvents` forces the oldest out (readers far behind then read it again themselves). Only full
 * pages are kept: a short page is the head of the log, which is read again, never served from
 * memory to a reader that asks later. A page read earlier is what the store answered then; it is
 * complete up to its checkpoint (the store never lets an event land behind a checkpoint it gave),
 * so a later reader may continue from it exactly as the first one did.
 *
 * The events are shared by every reader: projections' evolve must not change its input (it is
 * pure by contract, see defineProjection).
 */
export class SharedLogPages {
  private readonly pages = new Map<string, Page>();
  private readonly maxEvents: number;
  private held = 0;
  private readers = 0;

  constructor(
    private readonly store: Pick<EventStore, 'readAll'>,
    options: SharedLogPagesOptions = {},
  ) {
    this.maxEvents = options.maxEvents ?? 20_000;
    if (!Number.isInteger(this.maxEvents) || this.maxEvents < 0)
      throw new TypeError('maxEvents must be a non-negative integer');
  }

  /** A reader starts catching up; call the returned function when it stops. */
  join(): () => void {
    this.readers++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.readers--;
    };
  }

  /** Events (in memory now) of pages read and not yet taken by every reader. */
  get heldEvents(): number {
    return this.held;
  }

  read(from: Checkpoint | null, limit: number): Promise<ReadAllResult> {
    const key = `${limit}:${from ?? ''}`;
    const cached = this.pages.get(key);
    if (cached) {
      cached.served++;
      // Once read; while it is being read, readers that join meanwhile may still ask for it.
      if (cached.size > 0 && cached.served >= this.readers) this.forget(key, cached);
      return cached.result;
    }
    const page: Page = { result: this.store.readAll(from, limit), size: 0, served: 1 };
    // Kept while it is read, for readers asking for it meanwhile (also those joining now).
    this.pages.set(key, page);
    page.result.then(
      (result) => {
        if (this.pages.get(key) !== page) return;
        if (result.events.length < limit || page.served >= this.readers) {
          this.pages.delete(key);
          return;
        }
        page.size = result.events.length;
        this.held += page.size;
        this.trim();
      },
      () => {
        if (this.pages.get(key) === page) this.pages.delete(key);
      },
    );
    return page.result;
  }

  private forget(key: string, page: Page): void {
    this.pages.delete(key);
    this.held -= page.size;
  }

  /** Oldest first (a Map keeps insertion order). */
  private trim(): void {
    for (const [key, page] of this.pages) {
      if (this.held <= this.maxEvents) return;
      if (page.size > 0) this.forget(key, page);
    }
  }
}
