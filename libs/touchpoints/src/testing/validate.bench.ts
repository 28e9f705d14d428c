/**
 * Validation cost per touchpoint: the fast path (validateTouchpoint) against class-validator
 * itself (plainToInstance + validateSync, the reference path), on typical purchases.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only libs/touchpoints/src/testing/validate.bench.ts [--events 10000] [--rounds 7]
 *
 * Prints JSON: per path the median and best over rounds of CPU µs per event (process CPU time,
 * less disturbed than wall time by other processes on a shared machine) and events/s on one core,
 * plus JSON.parse of the same events for scale. Not a timed test: numbers depend on the machine.
 */
import { randomUUID } from 'node:crypto';
import { validateTouchpoint, validateTouchpointBatch } from '@touchline/touchpoints';
import { validateWithClassValidator } from '../validation/class-validator-reference';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const EVENTS = option('events', 10_000);
const ROUNDS = option('rounds', 7);

/** A typical web purchase: 1–3 line items, a coupon attribute, correlation ids. */
function purchase(i: number): unknown {
  const items = Array.from({ length: 1 + (i % 3) }, (_, k) => ({
    sku: `SKU-${(i * 7 + k) % 5000}`,
    name: `Product ${(i * 7 + k) % 5000}`,
    quantity: 1 + (k % 2),
    price: [9.99, 14.99, 24.5][k]!,
  }));
  return {
    eventId: randomUUID(),
    type: 'purchase',
    occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    customerId: `c-${i % 20_000}`,
    channel: i % 4 === 0 ? 'store' : 'web',
    data: {
      orderId: `SO-${100000 + i}`,
      amount: Math.round(items.reduce((s, it) => s + it.quantity * it.price, 0) * 100) / 100,
      currency: 'EUR',
      items,
      ...(i % 5 === 0 ? { attributes: { coupon: 'SPRING10' } } : {}),
    },
    metadata: { source: 'shop-backend', correlationId: `checkout-${i}` },
  };
}

function measure(
  name: string,
  inputs: unknown[],
  run: (input: unknown) => boolean,
): Record<string, number | string> {
  for (let i = 0; i < Math.min(inputs.length, 2000); i++) run(inputs[i]); // warm-up (JIT)
  const perEvent: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.cpuUsage();
    for (const input of inputs)
      if (!run(input)) throw new Error(`${name}: a valid purchase was rejected`);
    const used = process.cpuUsage(start);
    perEvent.push((used.user + used.system) / inputs.length);
  }
  perEvent.sort((a, b) => a - b);
  const median = perEvent[Math.floor(perEvent.length / 2)]!;
  return {
    path: name,
    usPerEvent: Math.round(median * 100) / 100,
    eventsPerSecondOneCore: Math.round(1e6 / median),
    bestUsPerEvent: Math.round(perEvent[0]! * 100) / 100,
  };
}

const now = new Date(Date.UTC(2026, 6, 1));
const inputs = Array.from({ length: EVENTS }, (_, i) => purchase(i));
const json = inputs.map((input) => JSON.stringify(input));

const results = [
  measure('JSON.parse (for scale)', json, (text) => JSON.parse(text as string) !== null),
  measure(
    'validateTouchpoint (fast path)',
    inputs,
    (input) => validateTouchpoint(input, { now }).ok,
  ),
  measure(
    'class-validator (plainToInstance + validateSync)',
    inputs,
    (input) => validateWithClassValidator(input, { now }).ok,
  ),
];
const batch = (() => {
  const batches: unknown[][] = [];
  for (let i = 0; i < inputs.length; i += 500) batches.push(inputs.slice(i, i + 500));
  const start = process.cpuUsage();
  for (let r = 0; r < ROUNDS; r++)
    for (const b of batches)
      if (!validateTouchpointBatch(b, { now }).ok) throw new Error('batch rejected');
  const used = process.cpuUsage(start);
  return Math.round(((used.user + used.system) / (inputs.length * ROUNDS)) * 100) / 100;
})();

process.stdout.write(
  `${JSON.stringify(
    {
      events: EVENTS,
      rounds: ROUNDS,
      node: process.version,
      results,
      batchOf500UsPerEvent: batch,
    },
    null,
    2,
  )}\n`,
);
