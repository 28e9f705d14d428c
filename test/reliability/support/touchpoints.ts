import { touchpointExample } from '@touchline/touchpoints';
import type { Random } from './random';

export type Touchpoint = Record<string, unknown> & {
  eventId: string;
  customerId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
};

const TYPES = ['purchase', 'survey.nps', 'browse', 'loyalty.earned', 'purchase'] as const;

/**
 * A valid touchpoint of a catalogue type for `customerId`, from the catalogue's own examples with
 * a fresh event id, a recent occurred time and the given producer as metadata.source (so a
 * test can tell its producers' events apart in the store).
 */
export function touchpoint(random: Random, customerId: string, source: string): Touchpoint {
  const type = random.pick(TYPES);
  const example = touchpointExample(type) as unknown as Touchpoint;
  const { anonymousId: _anonymous, ...rest } = example;
  return {
    ...rest,
    eventId: random.uuid(),
    customerId,
    occurredAt: new Date(Date.now() - random.int(1_000, 86_400_000)).toISOString(),
    metadata: { ...example.metadata, source },
  };
}

/** `count` touchpoints (as for one batch request), each of a customer picked from `population`. */
export function touchpoints(
  random: Random,
  count: number,
  population: readonly string[],
  source: string,
): Touchpoint[] {
  return Array.from({ length: count }, () => touchpoint(random, random.pick(population), source));
}

/** Customer ids `c-<prefix>-0` … for a population of `n`, shared by producers on purpose. */
export const customers = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `c-${prefix}-${i}`);
