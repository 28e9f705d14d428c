import type { Touchpoint } from '@touchline/touchpoints';
import type { Population } from '../population';
import type { TouchlineClient } from './touchline-client';

export interface LoadResult {
  customers: number;
  events: number;
  appended: number;
  duplicates: number;
  requests: number;
  /** The position of the last event of every batch: waiting for all of them covers the load. */
  positions: string[];
  seconds: number;
}

/**
 * Sends a population through `POST /v1/touchpoints/batch`, whole customers per batch (so each
 * customer's events stay in order), `concurrency` batches in flight, retrying as the API asks.
 * Loading the same population again appends nothing: every event comes back `duplicate`.
 */
export async function loadPopulation(
  client: TouchlineClient,
  population: Population,
  options: { batchSize?: number; concurrency?: number; onProgress?: (events: number) => void } = {},
): Promise<LoadResult> {
  const batchSize = Math.min(options.batchSize ?? 500, 1_000);
  const result: LoadResult = {
    customers: 0,
    events: 0,
    appended: 0,
    duplicates: 0,
    requests: 0,
    positions: [],
    seconds: 0,
  };
  const started = performance.now();
  let next = 0;
  // A customer larger than a batch is sent in consecutive batches by the same sender.
  const sender = async (): Promise<void> => {
    let batch: Touchpoint[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const answer = await client.recordBatch(batch);
      const results = answer.body.results;
      result.requests++;
      result.events += batch.length;
      for (const r of results) {
        if (r.status === 'appended') result.appended++;
        else result.duplicates++;
      }
      result.positions.push(results[results.length - 1]!.position);
      options.onProgress?.(result.events);
      batch = [];
    };
    while (next < population.customers) {
      const customer = population.customer(next++);
      result.customers++;
      if (batch.length > 0 && batch.length + customer.events.length > batchSize) await flush();
      for (let i = 0; i < customer.events.length; i += batchSize) {
        batch.push(...customer.events.slice(i, i + batchSize));
        if (batch.length >= batchSize) await flush();
      }
    }
    await flush();
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 2 }, sender));
  result.seconds = Math.round((performance.now() - started) / 10) / 100;
  return result;
}
