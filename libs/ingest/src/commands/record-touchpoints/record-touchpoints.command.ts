import { Command } from '@nestjs/cqrs';
import type { Touchpoint } from '@touchline/touchpoints';

export interface RecordedTouchpoint {
  eventId: string;
  status: 'appended' | 'duplicate';
  stream: string;
  revision: number;
  /** The store's checkpoint of the event: pass it as X-Touchline-Min-Position to read your write. */
  position: string;
}

/**
 * Record validated touchpoints, all or nothing. Every entry point (native HTTP, Segment HTTP,
 * Kafka inbound) validates with the catalogue first and then sends this command; its result is
 * durable when the promise resolves.
 */
export class RecordTouchpointsCommand extends Command<RecordedTouchpoint[]> {
  constructor(readonly touchpoints: Touchpoint[]) {
    super();
  }
}
