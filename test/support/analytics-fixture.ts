import { randomUUID } from 'node:crypto';

/**
 * A small deterministic population for end-to-end tests of the analyst views: a few dozen
 * customers with purchases over the last year, NPS/CSAT/CES answers over the last twelve weeks,
 * and complaints with responses and resolutions. The same seed gives the same journeys (relative
 * to `now`); event ids are fresh so that a run never collides with an earlier one.
 */
export interface FixtureOptions {
  customers?: number;
  seed?: number;
  now?: Date;
  /** Prefix of customer ids, so that runs and tests do not mix their customers. */
  prefix?: string;
}

type Touchpoint = Record<string, unknown>;

const DAY = 86_400_000;
const CHANNELS = ['web', 'app', 'store', 'email'] as const;
const CATEGORIES = ['damaged-item', 'late-delivery', 'billing'] as const;
const SEVERITIES = ['low', 'medium', 'high'] as const;

/** mulberry32: a tiny seeded PRNG, enough for fixtures. */
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

export function analyticsFixture({
  customers = 36,
  seed = 8,
  now = new Date(),
  prefix = 'fx',
}: FixtureOptions = {}): { customerIds: string[]; touchpoints: Touchpoint[] } {
  const random = prng(seed);
  const more = prng(seed ^ 0x5eed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  // Whole minutes in the past, never in the future (the catalogue refuses clock skew).
  const ago = (days: number, minutes = 0) =>
    new Date(now.getTime() - days * DAY - minutes * 60_000 - 60_000).toISOString();
  const base = (customerId: string, type: string, occurredAt: string, source: string) => ({
    eventId: randomUUID(),
    type,
    occurredAt,
    customerId,
    channel: pick(CHANNELS),
    metadata: { source },
  });

  const customerIds: string[] = [];
  const touchpoints: Touchpoint[] = [];
  for (let i = 0; i < customers; i++) {
    const customerId = `${prefix}-${String(i + 1).padStart(3, '0')}`;
    customerIds.push(customerId);
    // Purchases: regulars still buying, and lapsed ones who bought often, then stopped (without
    // them the purchase model would see nobody drop out).
    const lapsed = i % 4 === 1;
    const purchases = lapsed ? int(3, 8) : int(1, 8);
    const lastDaysAgo = lapsed ? int(150, 330) : int(1, 45);
    const gap = lapsed ? int(5, 15) : int(10, 40);
    for (let p = 0; p < purchases; p++) {
      touchpoints.push({
        ...base(customerId, 'purchase', ago(lastDaysAgo + p * gap), 'shop-backend'),
        data: {
          orderId: `SO-${customerId}-${p}`,
          amount: Math.round((20 + random() * 180) * 100) / 100,
          currency: 'EUR',
        },
      });
    }
    // Survey answers over the last twelve weeks.
    const answered = int(0, 11 * 7);
    touchpoints.push({
      ...base(customerId, 'survey.nps', ago(answered, int(0, 600)), 'survey-tool'),
      data: { score: int(0, 10) },
    });
    // More answers from a stream of their own, so that the journeys above stay as they are.
    for (let n = Math.floor(more() * 3); n > 0; n--) {
      touchpoints.push({
        ...base(customerId, 'survey.nps', ago(Math.floor(more() * 77), 30), 'survey-tool'),
        data: { score: Math.floor(more() * 11) },
      });
    }
    if (random() < 0.7) {
      touchpoints.push({
        ...base(customerId, 'survey.csat', ago(int(0, 11 * 7), int(0, 600)), 'survey-tool'),
        data: { score: int(1, 5) },
      });
    }
    if (random() < 0.6) {
      touchpoints.push({
        ...base(customerId, 'survey.ces', ago(int(0, 11 * 7), int(0, 600)), 'survey-tool'),
        data: { score: int(1, 7) },
      });
    }
    // A third of them complained: answered within hours, most resolved a day or two later.
    if (i % 3 === 0) {
      const complaintId = `CMP-${customerId}`;
      const openedDaysAgo = int(3, 25);
      const opened = base(customerId, 'complaint.opened', ago(openedDaysAgo), 'helpdesk');
      touchpoints.push({
        ...opened,
        sentiment: -0.6,
        data: {
          complaintId,
          category: pick(CATEGORIES),
          severity: pick(SEVERITIES),
          text: 'The parcel arrived late and the box was damaged.',
        },
      });
      const responseMinutes = int(10, 600);
      touchpoints.push({
        ...base(
          customerId,
          'complaint.responded',
          ago(openedDaysAgo, -responseMinutes),
          'helpdesk',
        ),
        data: { complaintId, text: 'Sorry about that; we are on it.' },
      });
      if (random() < 0.75) {
        touchpoints.push({
          ...base(
            customerId,
            'complaint.resolved',
            ago(openedDaysAgo - 1, -int(60, 1_200)),
            'helpdesk',
          ),
          sentiment: 0.3,
          data: { complaintId, resolution: 'replaced' },
        });
      }
    }
  }
  return { customerIds, touchpoints };
}
