/**
 * A seeded synthetic customer population: every touchpoint a shop would record for its customers
 * over a period, valid against the catalogue, the same for the same options.
 *
 * The story of one customer (see docs/benchmarks.md, "The population"):
 * - an activity level with a Zipf-like (power-law) rank-frequency distribution, driving browsing;
 * - an acquisition time spread uniformly over the period; half of them browsed anonymously
 *   before signing up (an `anonymous-…` stream, claimed with `identity.linked`);
 * - a sign-up with synthetic personal data (`profile.updated`) and a marketing consent;
 * - purchases following the BG/NBD story: a first order at sign-up, then repeat orders at a
 *   Poisson rate while "alive", dropping out after each repeat with probability p (more likely
 *   after a bad experience); order values from the Gamma-Gamma model;
 * - per order: deliveries (some late, some failed), loyalty points, sometimes a survey (scores
 *   correlated with the customer's disposition and the order's experience), a refund or a
 *   complaint after a bad experience;
 * - complaints that are responded to (mostly within a day, some not), resolved, sometimes
 *   reopened;
 * - monthly e-mail campaigns (opens, clicks, conversions, unsubscribes), enquiries and service
 *   contacts.
 *
 * Each customer is generated from its own seed (derived from the population's seed and its
 * index), so customers can be generated in any order, in parallel, or one at a time: the
 * population is never held in memory. Event ids are UUIDv5 of (seed, period, id prefix,
 * customer index, event index), so loading the same population twice stores it once.
 */
import type {
  Channel,
  EventDataMap,
  Severity,
  Touchpoint,
  TouchpointType,
} from '@touchline/touchpoints';
// Test support of the analytics library (sfc32 with gamma and beta draws): the generator is
// benchmark and demo tooling, never part of the service.
import { Random } from '../../libs/analytics/src/testing/random';
import { uuidV5 } from './uuid';
import * as words from './vocabulary';

export interface PopulationOptions {
  /** Same seed (and endAt, months, idPrefix) → the same events, with the same ids. */
  seed: number;
  customers: number;
  /** The end of the period: every event occurs before it. Default: the start of today (UTC). */
  endAt?: Date;
  /** Length of the period in months of 30 days. Default 18. */
  months?: number;
  /** Customer ids are `<idPrefix><index, 6 digits>`. Default `c<seed>-`. */
  idPrefix?: string;
}

export interface SyntheticCustomer {
  index: number;
  customerId: string;
  /** The visitor id this customer browsed under before signing up, if any. */
  anonymousId: string | null;
  /** Every touchpoint of the customer (its anonymous ones included), in occurrence order. */
  events: Touchpoint[];
}

/** Namespace of the generator's event ids (a persisted contract of this tool only). */
const EVENT_ID_NAMESPACE = '0b1f9e1c-7a52-4d53-9a4e-2f6c3d8b71a5';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Purchase process per day (BG/NBD): λ ~ Gamma(r, α), dropout p ~ Beta(a, b). */
export const PURCHASE_MODEL = { r: 0.6, alpha: 40, a: 1.2, b: 5 } as const;
/** Order values (Gamma-Gamma): ν ~ Gamma(q, γ), amount ~ Gamma(p, ν); mean p·γ/(q − 1) = 40. */
export const SPEND_MODEL = { p: 6, q: 4, gamma: 20 } as const;
/** Share of sign-ups who never order (prospects). */
const NEVER_BUYS = 0.15;
/** Browsing sessions per day for activity 1; activity has mean ≈ 1. */
const SESSIONS_PER_DAY = 0.012;
/** Zipf-like activity: (u + ε)^−s over u uniform on (0, 1), normalised to mean 1. */
const ACTIVITY = { s: 0.8, epsilon: 0.01 } as const;
const ACTIVITY_MEAN =
  ((1 + ACTIVITY.epsilon) ** (1 - ACTIVITY.s) - ACTIVITY.epsilon ** (1 - ACTIVITY.s)) /
  (1 - ACTIVITY.s);

type ProfileAttributes = NonNullable<EventDataMap['profile.updated']['attributes']>;

type Experience = 'good' | 'late' | 'damaged' | 'wrong-item';

interface Envelope {
  channel: Channel;
  source: string;
  sentiment?: number;
  correlationId?: string;
  /** Recorded under the visitor id only (before sign-up). */
  anonymous?: boolean;
}

interface Pending {
  at: number;
  seq: number;
  type: TouchpointType;
  data: EventDataMap[TouchpointType];
  envelope: Envelope;
}

export class Population {
  readonly seed: number;
  readonly customers: number;
  readonly endAt: Date;
  readonly startAt: Date;
  readonly idPrefix: string;

  constructor(options: PopulationOptions) {
    if (!Number.isInteger(options.seed)) throw new RangeError('seed must be an integer');
    if (!Number.isInteger(options.customers) || options.customers < 0)
      throw new RangeError('customers must be a non-negative integer');
    const months = options.months ?? 18;
    if (!(months > 0)) throw new RangeError('months must be positive');
    this.seed = options.seed;
    this.customers = options.customers;
    const today = new Date();
    today.setUTCHours(0, 0, 0, 0);
    this.endAt = options.endAt ?? today;
    this.startAt = new Date(this.endAt.getTime() - months * 30 * DAY);
    this.idPrefix = options.idPrefix ?? `c${options.seed}-`;
  }

  customerId(index: number): string {
    return `${this.idPrefix}${String(index).padStart(6, '0')}`;
  }

  /** One customer, generated from its own seed: independent of every other customer. */
  customer(index: number): SyntheticCustomer {
    if (!Number.isInteger(index) || index < 0 || index >= this.customers)
      throw new RangeError(`customer index must be in [0, ${this.customers})`);
    return new CustomerStory(this, index).tell();
  }

  /** Customers from `from` (inclusive) to `to` (exclusive), one at a time. */
  *customersBetween(from = 0, to = this.customers): Generator<SyntheticCustomer> {
    for (let i = from; i < Math.min(to, this.customers); i++) yield this.customer(i);
  }

  /** Every event, customer after customer, each customer's in occurrence order. Lazy. */
  *events(): Generator<Touchpoint> {
    for (const customer of this.customersBetween()) yield* customer.events;
  }

  /**
   * The id of a customer's k-th generated event: a name-based uuid of everything that shapes the
   * event (seed, period, id prefix), the customer and k, so two different populations never
   * share an id and the same one always does.
   */
  eventId(index: number, k: number): string {
    const period = `${this.startAt.toISOString()}/${this.endAt.toISOString()}`;
    return uuidV5(EVENT_ID_NAMESPACE, `${this.seed}|${period}|${this.idPrefix}|${index}|${k}`);
  }
}

/** Mixes the population seed and the customer index into one 32-bit seed (splitmix-style). */
function customerSeed(seed: number, index: number): number {
  let z = (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x2c1b3c6d) >>> 0;
  z = Math.imul(z ^ (z >>> 12), 0x297a2d39) >>> 0;
  return (z ^ (z >>> 15)) >>> 0;
}

function roundMoney(value: number): number {
  return Math.round(value * 100) / 100;
}

class CustomerStory {
  private readonly rng: Random;
  private readonly pending: Pending[] = [];
  private seq = 0;
  private readonly customerId: string;
  private anonymousId: string | null = null;
  private readonly end: number;
  /** The customer's disposition: shifts every survey score (standard normal). */
  private readonly mood: number;
  private readonly activity: number;
  private loyaltyBalance = 0;
  private orderNo = 0;
  private complaintNo = 0;
  private shipmentNo = 0;
  private marketingConsent = false;
  private unsubscribedAt = Infinity;

  constructor(
    private readonly population: Population,
    private readonly index: number,
  ) {
    this.rng = new Random(customerSeed(population.seed, index));
    this.customerId = population.customerId(index);
    this.end = population.endAt.getTime();
    this.mood = this.rng.normal();
    this.activity = (this.rng.uniform() + ACTIVITY.epsilon) ** -ACTIVITY.s / ACTIVITY_MEAN;
  }

  tell(): SyntheticCustomer {
    const start = this.population.startAt.getTime();
    // Sign-up somewhere in the period, at a daytime hour.
    const signUp = this.daytime(start + this.rng.uniform() * (this.end - start - DAY));
    if (this.rng.uniform() < 0.5) this.anonymousVisits(signUp);
    this.signUp(signUp);
    const deathAt = this.purchases(signUp);
    // Engagement outlives the last order a little: people browse and open mail for a while.
    const fadeOut = Math.min(this.end, deathAt + 60 * DAY);
    this.browsing(signUp, fadeOut);
    this.campaigns(signUp, fadeOut);
    this.enquiries(signUp, fadeOut);
    return this.finish();
  }

  // --- the chapters -------------------------------------------------------------------------

  private anonymousVisits(signUp: number): void {
    this.anonymousId = `anon-${this.rng.nextUint32().toString(16).padStart(8, '0')}${this.rng
      .nextUint32()
      .toString(16)
      .padStart(8, '0')}`;
    const visits = this.rng.integer(1, 4);
    for (let v = 0; v < visits; v++) {
      const at = signUp - this.rng.uniform() * 14 * DAY - MINUTE;
      this.session(at, { anonymous: true });
    }
  }

  private signUp(at: number): void {
    const first = this.pick(words.FIRST_NAMES);
    const last = this.pick(words.LAST_NAMES);
    const place = this.pick(words.LOCALES);
    const channel: Channel = this.rng.uniform() < 0.7 ? 'web' : 'app';
    if (this.anonymousId) {
      this.add(
        at,
        'identity.linked',
        { anonymousId: this.anonymousId },
        { channel, source: 'web-shop' },
      );
    }
    const local = `${ascii(first)}.${ascii(last)}${this.index}`.toLowerCase();
    const attributes: Record<string, unknown> = {
      name: `${first} ${last}`,
      firstName: first,
      lastName: last,
      email: `${local}@${this.pick(words.EMAIL_DOMAINS)}`,
      locale: place.locale,
      timeZone: place.timeZone,
    };
    if (this.rng.uniform() < 0.7)
      attributes.phone = `+4420794600${this.rng.integer(0, 99).toString().padStart(2, '0')}`;
    if (this.rng.uniform() < 0.5) {
      const year = this.rng.integer(1950, 2004);
      const month = this.rng.integer(1, 12);
      const day = this.rng.integer(1, 28);
      attributes.birthDate = `${year}-${pad2(month)}-${pad2(day)}`;
    }
    if (this.rng.uniform() < 0.6) attributes.address = this.address(place);
    this.add(
      at + 1_000,
      'profile.updated',
      { attributes: attributes as ProfileAttributes },
      { channel, source: 'web-shop' },
    );
    this.marketingConsent = this.rng.uniform() < 0.65;
    this.add(
      at + 2_000,
      'consent.changed',
      { purpose: 'marketing.email', granted: this.marketingConsent, policyVersion: '2025-01' },
      { channel, source: 'web-shop' },
    );
    // Some customers move house later.
    if (this.rng.uniform() < 0.1) {
      const moved = at + this.rng.uniform() * (this.end - at);
      this.add(
        moved,
        'profile.updated',
        { attributes: { address: this.address(place) } },
        { channel: 'web', source: 'web-shop' },
      );
    }
  }

  /** The purchase process; returns when the customer dropped out (or the end of the period). */
  private purchases(signUp: number): number {
    if (this.rng.uniform() < NEVER_BUYS) return signUp + 30 * DAY;
    const { r, alpha, a, b } = PURCHASE_MODEL;
    const lambda = this.rng.gamma(r, alpha) * Math.sqrt(this.activity);
    const p = this.rng.beta(a, b);
    const nu = this.rng.gamma(SPEND_MODEL.q, SPEND_MODEL.gamma);
    let at = signUp + this.rng.uniform() * 2 * HOUR;
    let first = true;
    for (;;) {
      if (at >= this.end) return this.end;
      const outcome = this.order(at, this.rng.gamma(SPEND_MODEL.p, nu));
      // Dropout can only follow a repeat purchase (BG/NBD); a bad experience makes it likelier.
      if (!first) {
        const push = outcome === 'good' ? 0 : outcome === 'late' ? 0.15 : 0.3;
        if (this.rng.uniform() < Math.min(0.95, p + push)) return at;
      }
      first = false;
      at = this.daytime(at + this.rng.exponential(lambda) * DAY);
    }
  }

  /** One order with what follows it; returns how it went. */
  private order(at: number, rawAmount: number): Experience {
    const orderId = `SO-${this.population.seed}-${this.index}-${++this.orderNo}`;
    const channel: Channel = this.weighted<Channel>([
      ['web', 0.6],
      ['app', 0.25],
      ['store', 0.15],
    ]);
    const items = this.items(Math.max(5, rawAmount));
    const amount = roundMoney(items.reduce((sum, item) => sum + item.price * item.quantity, 0));
    const purchase = this.add(
      at,
      'purchase',
      { orderId, amount, currency: 'EUR', items },
      { channel, source: channel === 'store' ? 'pos' : 'web-shop', correlationId: orderId },
    );
    this.loyalty(at, orderId, amount, channel);

    let experience: Experience = 'good';
    let deliveredAt = at;
    if (channel !== 'store') {
      const u = this.rng.uniform();
      experience = u < 0.1 ? 'late' : u < 0.14 ? 'damaged' : u < 0.16 ? 'wrong-item' : 'good';
      deliveredAt = this.delivery(at, orderId, experience === 'late');
    }
    const bad = experience !== 'good';
    let resolvedWell: boolean | null = null;
    if (bad && this.rng.uniform() < (experience === 'late' ? 0.45 : 0.7)) {
      resolvedWell = this.complaint(deliveredAt + this.rng.uniform() * DAY, orderId, experience);
    } else if (bad && experience === 'late' && this.rng.uniform() < 0.3) {
      this.add(
        deliveredAt - this.rng.uniform() * DAY,
        'service.contact',
        {
          reason: 'order-status',
          outcome: this.pick(['resolved', 'follow_up'] as const),
          durationSeconds: this.rng.integer(60, 900),
          agentId: `agent-${this.rng.integer(1, 40)}`,
        },
        { channel: 'phone', source: 'contact-centre', correlationId: orderId },
      );
    }
    if ((experience === 'damaged' || experience === 'wrong-item') && this.rng.uniform() < 0.6) {
      this.add(
        deliveredAt + this.rng.uniform() * 5 * DAY,
        'refund',
        { orderId, amount, currency: 'EUR', reason: 'Returned: the item was not as expected.' },
        { channel: 'email', source: 'web-shop', correlationId: orderId },
      );
    } else if (this.rng.uniform() < 0.03) {
      const line = items[0]!;
      this.add(
        deliveredAt + this.rng.uniform() * 14 * DAY,
        'refund',
        {
          orderId,
          amount: line.price,
          currency: 'EUR',
          items: [{ sku: line.sku, quantity: 1, price: line.price }],
        },
        { channel: 'web', source: 'web-shop', correlationId: orderId },
      );
    }
    if (this.rng.uniform() < 0.3) {
      const purchaseId = this.population.eventId(this.index, purchase);
      this.survey(deliveredAt + (1 + this.rng.uniform() * 2) * DAY, purchaseId, bad, resolvedWell);
    }
    return experience;
  }

  private items(
    target: number,
  ): { sku: string; name: string; category: string; quantity: number; price: number }[] {
    const lines: {
      sku: string;
      name: string;
      category: string;
      quantity: number;
      price: number;
    }[] = [];
    let total = 0;
    // Real products up to about the drawn value: the basket's total is what the customer paid.
    for (let attempt = 0; attempt < 12 && lines.length < 8; attempt++) {
      const product = this.pick(words.PRODUCTS);
      if (total + product.price > target * 1.1 && (lines.length > 0 || attempt < 11)) continue;
      const existing = lines.find((l) => l.sku === product.sku);
      if (existing) existing.quantity++;
      else
        lines.push({
          sku: product.sku,
          name: product.name,
          category: product.category,
          quantity: 1,
          price: product.price,
        });
      total += product.price;
      if (total >= target * 0.9) break;
    }
    return lines;
  }

  private loyalty(at: number, orderId: string, amount: number, channel: Channel): void {
    const points = Math.floor(amount);
    if (points >= 1) {
      this.loyaltyBalance += points;
      this.add(
        at + MINUTE,
        'loyalty.earned',
        { points, reason: 'purchase', orderId, programId: 'stars' },
        { channel, source: 'loyalty' },
      );
    }
    if (this.loyaltyBalance >= 200 && this.rng.uniform() < 0.3) {
      const points = this.loyaltyBalance >= 400 && this.rng.uniform() < 0.5 ? 400 : 200;
      this.loyaltyBalance -= points;
      this.add(
        at + 2 * MINUTE,
        'loyalty.redeemed',
        { points, reason: 'voucher', orderId, programId: 'stars' },
        { channel, source: 'loyalty' },
      );
    }
  }

  /** Dispatch and arrival; returns when it arrived. */
  private delivery(orderedAt: number, orderId: string, late: boolean): number {
    const shipmentId = `SH-${this.population.seed}-${this.index}-${++this.shipmentNo}`;
    const carrier = this.pick(words.CARRIERS);
    const dispatched = orderedAt + (4 + this.rng.uniform() * 20) * HOUR;
    const promisedBy = orderedAt + 3 * DAY;
    const envelope: Envelope = { channel: 'other', source: 'carrier-feed', correlationId: orderId };
    const base = { shipmentId, orderId, carrier, promisedBy: new Date(promisedBy).toISOString() };
    this.add(dispatched, 'delivery', { ...base, status: 'dispatched' }, envelope);
    if (!late && this.rng.uniform() < 0.01) {
      this.add(dispatched + 2 * DAY, 'delivery', { ...base, status: 'failed' }, envelope);
      this.add(dispatched + 6 * DAY, 'delivery', { ...base, status: 'returned' }, envelope);
      return dispatched + 6 * DAY;
    }
    const arrived = late
      ? promisedBy + (1 + this.rng.uniform() * 6) * DAY
      : dispatched + (0.5 + this.rng.uniform() * 1.4) * DAY;
    this.add(arrived, 'delivery', { ...base, status: 'delivered' }, envelope);
    return arrived;
  }

  /**
   * opened → responded → resolved (→ reopened → responded → resolved). Most first responses come
   * within a day; some miss it, a few never come. Returns whether the customer ended satisfied
   * (null: not resolved by the end of the period).
   */
  private complaint(at: number, orderId: string, experience: Experience): boolean | null {
    const complaintId = `CMP-${this.population.seed}-${this.index}-${++this.complaintNo}`;
    const kind =
      words.COMPLAINT_CATEGORIES.find((c) =>
        experience === 'late' ? c.category === 'late-delivery' : c.category === experience,
      ) ?? this.pick(words.COMPLAINT_CATEGORIES);
    const severity: Severity = this.weighted<Severity>([
      ['low', 0.3],
      ['medium', 0.45],
      ['high', 0.2],
      ['critical', 0.05],
    ]);
    const channel: Channel = this.pick(['email', 'phone', 'chat'] as const);
    const envelope = { channel, source: 'helpdesk', correlationId: complaintId };
    this.add(
      at,
      'complaint.opened',
      { complaintId, category: kind.category, severity, text: this.pick(kind.texts) },
      { ...envelope, sentiment: -Math.round((0.4 + this.rng.uniform() * 0.5) * 100) / 100 },
    );
    let cursor = at;
    for (let round = 0; round < 2; round++) {
      const u = this.rng.uniform();
      if (u < 0.04) return null; // never answered
      const firstResponse =
        u < 0.8 ? (1 + this.rng.uniform() * 20) * HOUR : (26 + this.rng.uniform() * 70) * HOUR;
      cursor += firstResponse;
      this.add(
        cursor,
        'complaint.responded',
        {
          complaintId,
          text: this.pick(words.RESPONSE_TEXTS),
          responderId: `agent-${this.rng.integer(1, 40)}`,
        },
        envelope,
      );
      if (this.rng.uniform() < 0.06) return null; // still open
      cursor += (0.5 + this.rng.uniform() * 9) * DAY;
      const satisfied = this.rng.uniform() < 0.7 + 0.1 * this.mood;
      const resolution = this.pick(
        experience === 'late'
          ? (['explained', 'compensated'] as const)
          : (['refunded', 'replaced', 'fixed'] as const),
      );
      this.add(
        cursor,
        'complaint.resolved',
        {
          complaintId,
          resolution,
          satisfied,
          text: this.pick(words.RESOLUTION_TEXTS),
          ...(resolution === 'compensated'
            ? { compensation: { amount: 10, currency: 'EUR' } }
            : {}),
        },
        envelope,
      );
      if (this.rng.uniform() < 0.5) {
        this.survey(cursor + (0.2 + this.rng.uniform()) * DAY, null, true, satisfied, 'survey.ces');
      }
      if (round === 1 || this.rng.uniform() >= (satisfied ? 0.05 : 0.3)) return satisfied;
      cursor += (1 + this.rng.uniform() * 6) * DAY;
      this.add(
        cursor,
        'complaint.reopened',
        { complaintId, text: this.pick(words.REOPEN_TEXTS) },
        envelope,
      );
    }
    return false;
  }

  /**
   * A survey answer: the score follows the customer's mood and what just happened. CES uses the
   * catalogue's CES 2.0 scale (7 = "strongly agree it was easy").
   */
  private survey(
    at: number,
    touchpointRef: string | null,
    bad: boolean,
    resolvedWell: boolean | null,
    forced?: 'survey.ces',
  ): void {
    const type = forced ?? (this.rng.uniform() < 0.6 ? 'survey.nps' : 'survey.csat');
    const experience =
      (bad ? -1 : 0) + (resolvedWell === true ? 0.6 : resolvedWell === false ? -0.6 : 0);
    const noise = this.rng.normal();
    const envelope: Envelope = { channel: 'email', source: 'survey-tool' };
    const ref = touchpointRef ? { touchpointRef } : {};
    const comment = (score: number, max: number): { comment?: string } => {
      if (this.rng.uniform() > 0.35) return {};
      const share = score / max;
      const pool =
        share >= 0.8
          ? words.GOOD_COMMENTS
          : share >= 0.55
            ? words.NEUTRAL_COMMENTS
            : words.BAD_COMMENTS;
      return { comment: this.pick(pool) };
    };
    const surveyId = `${type.slice(7)}-${new Date(at).toISOString().slice(0, 7)}`;
    if (type === 'survey.nps') {
      const score = clampRound(8.2 + 1.1 * this.mood + 3.5 * experience + 1.1 * noise, 0, 10);
      this.add(at, type, { score, surveyId, ...ref, ...comment(score, 10) }, envelope);
    } else if (type === 'survey.csat') {
      const score = clampRound(4.1 + 0.6 * this.mood + 1.6 * experience + 0.6 * noise, 1, 5);
      this.add(at, type, { score, surveyId, ...ref, ...comment(score, 5) }, envelope);
    } else {
      const score = clampRound(5.2 + 0.8 * this.mood + 2 * experience + 0.9 * noise, 1, 7);
      this.add(at, type, { score, surveyId, ...ref, ...comment(score, 7) }, envelope);
    }
  }

  /** Browsing sessions (a Poisson process at the customer's activity) until they fade out. */
  private browsing(from: number, until: number): void {
    const rate = SESSIONS_PER_DAY * this.activity;
    for (
      let at = from + this.rng.exponential(rate) * DAY;
      at < until;
      at += this.rng.exponential(rate) * DAY
    ) {
      this.session(this.daytime(at), {});
    }
  }

  private session(at: number, { anonymous = false }: { anonymous?: boolean }): void {
    const app = !anonymous && this.rng.uniform() < 0.3;
    const pages = this.rng.integer(1, 3);
    let t = at;
    for (let p = 0; p < pages; p++) {
      const product = this.pick(words.PRODUCTS);
      const pageType = p === 0 ? this.pick(['home', 'category', 'search'] as const) : 'product';
      const durationMs = this.rng.integer(2_000, 180_000);
      const data: EventDataMap['browse'] = app
        ? { screen: pageType === 'product' ? 'ProductDetail' : 'Home', pageType, durationMs }
        : {
            url:
              pageType === 'product'
                ? `https://shop.example.com/p/${product.sku.toLowerCase()}`
                : `https://shop.example.com/${pageType}`,
            title: pageType === 'product' ? product.name : 'Example Shop',
            pageType,
            durationMs,
            ...(p === 0 && this.rng.uniform() < 0.3
              ? { referrer: this.pick(words.REFERRERS) }
              : {}),
          };
      if (pageType === 'product') data.productSku = product.sku;
      this.add(t, 'browse', data, {
        channel: app ? 'app' : 'web',
        source: 'web-analytics',
        anonymous,
      });
      t += durationMs + this.rng.integer(1_000, 20_000);
    }
  }

  /** A campaign on the 5th of every month to those who consented to marketing e-mail. */
  private campaigns(from: number, until: number): void {
    if (!this.marketingConsent) return;
    const first = new Date(from);
    for (
      let month = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 5, 9);
      month < until && month < this.unsubscribedAt;
      month = nextMonth(month)
    ) {
      const campaignId = `CMP-${new Date(month).toISOString().slice(0, 7)}`;
      const variant = this.rng.uniform() < 0.5 ? 'A' : 'B';
      const envelope: Envelope = {
        channel: 'email',
        source: 'marketing',
        correlationId: campaignId,
      };
      const u = this.rng.uniform();
      if (u < 0.005) {
        this.add(
          month,
          'campaign.response',
          { campaignId, response: 'bounced', variant },
          envelope,
        );
        continue;
      }
      if (u > 0.1 + 0.25 * Math.min(2, this.activity)) continue;
      let at = month + this.rng.uniform() * 2 * DAY;
      this.add(at, 'campaign.response', { campaignId, response: 'opened', variant }, envelope);
      if (this.rng.uniform() < 0.02) {
        at += MINUTE;
        this.add(
          at,
          'campaign.response',
          { campaignId, response: 'unsubscribed', variant },
          envelope,
        );
        this.add(
          at + 1_000,
          'consent.changed',
          { purpose: 'marketing.email', granted: false, policyVersion: '2025-01' },
          { channel: 'email', source: 'marketing' },
        );
        this.unsubscribedAt = at;
        return;
      }
      if (this.rng.uniform() < 0.35) {
        at += this.rng.integer(5, 300) * 1_000;
        this.add(at, 'campaign.response', { campaignId, response: 'clicked', variant }, envelope);
        if (this.rng.uniform() < 0.15) {
          this.add(
            at + this.rng.integer(2, 30) * MINUTE,
            'campaign.response',
            { campaignId, response: 'converted', variant },
            envelope,
          );
        }
      }
    }
  }

  private enquiries(from: number, until: number): void {
    const rate = 0.002;
    for (
      let at = from + this.rng.exponential(rate) * DAY;
      at < until;
      at += this.rng.exponential(rate) * DAY
    ) {
      const enquiry = this.pick(words.ENQUIRY_TOPICS);
      if (this.rng.uniform() < 0.6) {
        this.add(
          this.daytime(at),
          'enquiry',
          {
            topic: enquiry.topic,
            text: enquiry.text,
            enquiryId: `ENQ-${this.population.seed}-${this.index}-${Math.floor(at / MINUTE)}`,
          },
          { channel: this.pick(['chat', 'email'] as const), source: 'support-chat' },
        );
      } else {
        this.add(
          this.daytime(at),
          'service.contact',
          {
            reason: this.pick(words.SERVICE_REASONS),
            outcome: this.weighted([
              ['resolved', 0.7],
              ['follow_up', 0.15],
              ['transferred', 0.1],
              ['abandoned', 0.05],
            ] as const),
            durationSeconds: this.rng.integer(30, 1_200),
            agentId: `agent-${this.rng.integer(1, 40)}`,
          },
          { channel: this.pick(['phone', 'chat', 'store'] as const), source: 'contact-centre' },
        );
      }
    }
  }

  // --- plumbing -------------------------------------------------------------------------------

  /** Records a touchpoint for later; returns its sequence number (what its event id derives from). */
  private add<T extends TouchpointType>(
    at: number,
    type: T,
    data: EventDataMap[T],
    envelope: Envelope,
  ): number {
    const seq = this.seq++;
    this.pending.push({ at: Math.floor(at), seq, type, data, envelope });
    return seq;
  }

  private finish(): SyntheticCustomer {
    const happened = this.pending.filter((p) => p.at < this.end);
    happened.sort((x, y) => x.at - y.at || x.seq - y.seq);
    const events = happened.map((p): Touchpoint => {
      const { envelope } = p;
      const touchpoint = {
        eventId: this.population.eventId(this.index, p.seq),
        type: p.type,
        occurredAt: new Date(p.at).toISOString(),
        ...(envelope.anonymous
          ? { anonymousId: this.anonymousId! }
          : { customerId: this.customerId }),
        channel: envelope.channel,
        ...(envelope.sentiment === undefined ? {} : { sentiment: envelope.sentiment }),
        data: p.data,
        metadata: {
          source: envelope.source,
          ...(envelope.correlationId ? { correlationId: envelope.correlationId } : {}),
        },
      };
      return touchpoint as Touchpoint;
    });
    return {
      index: this.index,
      customerId: this.customerId,
      anonymousId: this.anonymousId,
      events,
    };
  }

  /** Moves an instant into the shop's day (08:00–22:00 UTC) of the same date. */
  private daytime(at: number): number {
    const midnight = Math.floor(at / DAY) * DAY;
    return midnight + 8 * HOUR + this.rng.uniform() * 14 * HOUR;
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rng.uniform() * list.length)]!;
  }

  private weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let u = this.rng.uniform() * choices.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, weight] of choices) {
      u -= weight;
      if (u <= 0) return value;
    }
    return choices[choices.length - 1]![0];
  }

  private address(place: (typeof words.LOCALES)[number]): Record<string, string> {
    return {
      line1: `${this.rng.integer(1, 200)} ${this.pick(words.STREETS)}`,
      city: place.city,
      postalCode: String(this.rng.integer(10000, 99999)),
      country: place.country,
    };
  }
}

function clampRound(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function nextMonth(at: number): number {
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 5, 9);
}

/** Lower-case ASCII for the local part of a synthetic e-mail address. */
function ascii(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}
