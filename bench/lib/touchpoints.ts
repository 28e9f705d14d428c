import { randomUUID } from 'node:crypto';
import type { EventToAppend, JsonObject } from '@touchline/event-store';

/**
 * Realistic touchpoint events for the store benchmark: purchases, NPS replies, page views and
 * complaints, 300–600 bytes of JSON each. Payloads come from a fixed, seeded pool (so every system
 * appends the same content and generating them costs next to nothing during the timed run); each
 * event gets a fresh uuid and correlation id.
 */

/** mulberry32: a small seeded PRNG, so that every run and every system sees the same payloads. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRODUCTS = [
  { sku: 'SKU-10482', name: 'Merino crew-neck jumper', price: 89.0 },
  { sku: 'SKU-22017', name: 'Waterproof trail jacket', price: 179.5 },
  { sku: 'SKU-31555', name: 'Organic cotton T-shirt, 3-pack', price: 34.99 },
  { sku: 'SKU-40990', name: 'Leather chelsea boots', price: 145.0 },
  { sku: 'SKU-52311', name: 'Wool-blend beanie', price: 19.9 },
  { sku: 'SKU-61204', name: 'Stretch chino trousers', price: 59.0 },
  { sku: 'SKU-70018', name: 'Insulated water bottle 750 ml', price: 24.5 },
  { sku: 'SKU-88312', name: 'Recycled nylon backpack 22 l', price: 74.0 },
];
const NPS_COMMENTS = [
  'Delivery was quicker than promised and the parcel was well packed. Would order again.',
  'The jacket fits well but the sleeves run a little long; the exchange process was painless.',
  'Support took three days to answer a simple question about my order status.',
  'Great quality for the price. The size guide on the product page was accurate.',
  'Checkout kept failing with my card; it worked on the second try from my phone.',
];
const COMPLAINTS = [
  'The boots arrived with a scuffed left toe and the box was crushed. I would like a replacement pair sent before the weekend, please.',
  'I was charged twice for order 4471-A. My bank statement shows two identical payments on the same day. Please refund the duplicate.',
  'The courier marked the parcel as delivered but nothing arrived. The neighbours have not received it either.',
  'The zip on the backpack broke after two weeks of normal use. I expected better from a bag at this price.',
];
const PAGES = [
  '/',
  '/new-in',
  '/men/jackets',
  '/women/knitwear',
  '/sale',
  '/product/SKU-22017',
  '/basket',
];
const REFERRERS = [
  'https://www.google.com/',
  'https://www.instagram.com/',
  'newsletter',
  'direct',
  'https://www.bing.com/',
];
const CHANNELS = ['web', 'app', 'store', 'phone', 'email'];

type Template = Pick<EventToAppend, 'type' | 'data'>;

function makeTemplate(rand: () => number, n: number): Template {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const at = new Date(Date.UTC(2025, 0, 1) + Math.floor(rand() * 300 * 86_400_000)).toISOString();
  const kind = rand();
  if (kind < 0.35) {
    const count = 1 + Math.floor(rand() * 3);
    const items: JsonObject[] = [];
    let amount = 0;
    for (let i = 0; i < count; i++) {
      const product = pick(PRODUCTS);
      const quantity = 1 + Math.floor(rand() * 2);
      amount += product.price * quantity;
      items.push({ sku: product.sku, name: product.name, quantity, unitPrice: product.price });
    }
    return {
      type: 'purchase',
      data: {
        orderId: `ORD-${(100_000 + n).toString(36).toUpperCase()}-${Math.floor(rand() * 9000 + 1000)}`,
        amount: Math.round(amount * 100) / 100,
        currency: pick(['EUR', 'GBP', 'USD']),
        channel: pick(CHANNELS),
        items,
        placedAt: at,
      },
    };
  }
  if (kind < 0.6) {
    return {
      type: 'survey.nps',
      data: {
        surveyId: `nps-2025-q${1 + Math.floor(rand() * 4)}`,
        score: Math.floor(rand() * 11),
        comment: pick(NPS_COMMENTS),
        channel: pick(['email', 'app']),
        answeredAt: at,
      },
    };
  }
  if (kind < 0.9) {
    return {
      type: 'browse',
      data: {
        url: `https://shop.example.com${pick(PAGES)}?utm_source=${pick(['google', 'newsletter', 'instagram'])}`,
        referrer: pick(REFERRERS),
        sessionId: `s-${Math.floor(rand() * 1e12).toString(36)}`,
        durationMs: Math.floor(rand() * 180_000),
        device: pick(['desktop', 'mobile', 'tablet']),
        userAgent:
          'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
        viewedAt: at,
      },
    };
  }
  return {
    type: 'complaint.opened',
    data: {
      complaintId: `CMP-${Math.floor(rand() * 1e6)}`,
      category: pick(['delivery', 'billing', 'product-quality', 'service']),
      channel: pick(CHANNELS),
      severity: pick(['low', 'medium', 'high']),
      text: pick(COMPLAINTS),
      openedAt: at,
    },
  };
}

export interface TouchpointSource {
  /** A new event (fresh uuid and correlation id) with the payload of pool slot `n`. */
  event(n: number): EventToAppend;
  /** Mean size in bytes of the JSON of {type, data, metadata} over the pool. */
  readonly meanJsonBytes: number;
  readonly minJsonBytes: number;
  readonly maxJsonBytes: number;
}

const SOURCES = ['web-tracker', 'pos', 'survey-tool', 'crm'];

export function touchpointSource(seed = 42, poolSize = 1_000): TouchpointSource {
  const rand = prng(seed);
  const templates = Array.from({ length: poolSize }, (_, n) => makeTemplate(rand, n));
  const sizes = templates.map(
    (t) =>
      Buffer.byteLength(
        JSON.stringify({ ...t, metadata: { source: 'survey-tool', correlationId: randomUUID() } }),
      ) + 36, // the event id
  );
  return {
    event(n: number): EventToAppend {
      const template = templates[n % poolSize]!;
      return {
        eventId: randomUUID(),
        type: template.type,
        data: template.data,
        metadata: { source: SOURCES[n % SOURCES.length]!, correlationId: randomUUID() },
      };
    },
    meanJsonBytes: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length),
    minJsonBytes: Math.min(...sizes),
    maxJsonBytes: Math.max(...sizes),
  };
}
