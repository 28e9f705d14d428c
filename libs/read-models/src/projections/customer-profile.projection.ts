import type { JsonObject, RecordedEvent } from '@touchline/event-store';
import { defineProjection } from '@touchline/projections';
import { EVENT_TYPES, isTouchpointType, type JourneyEvent } from '@touchline/touchpoints';
import { addAmounts } from '../rules/money';
import { addSentimentDay, type SentimentDays } from '../rules/sentiment-trend';
import {
  customerOfStream,
  dayOf,
  readJourneyEvent,
  sentimentOf,
  surveyAnswerOf,
} from './journey-event';

export const CUSTOMER_PROFILE = 'customer_profile';

export type SurveyScore = { score: number; at: string; channel: string };

export type Consent = { granted: boolean; at: string; policyVersion: string | null };

/**
 * One row per customer (`customer-<id>` stream), key = customer id. Only what follows from the
 * customer's own events: tier and lifecycle depend on configuration and on the clock, and are
 * computed when read (rules/); RFM and churn risk come from scheduled jobs.
 */
export type CustomerProfileRow = {
  customerId: string;
  /** Anonymous ids this customer claimed with identity.linked, in the order linked. */
  linkedAnonymousIds: string[];
  /** Earlier customer ids (identity.linked previousId). */
  previousIds: string[];
  /** Duplicates merged into this customer (customer.merged, this one surviving). */
  mergedIds: string[];
  /** The survivor this customer was merged into, if it was the duplicate. */
  mergedInto: string | null;
  /** profile.updated, merged attribute by attribute (null clears), as stored. */
  attributes: JsonObject;
  erasedAt: string | null;
  /** Latest decision per purpose (by occurredAt). */
  consents: { [purpose: string]: Consent };
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  /** Touchpoints (system events excluded). */
  touchpoints: number;
  countsByType: { [type: string]: number };
  countsByChannel: { [channel: string]: number };
  orders: number;
  grossSpend: number;
  refunds: number;
  refundedAmount: number;
  /** grossSpend − refundedAmount, in major units as sent (see currencies). */
  netSpend: number;
  /** netSpend / orders; null without orders. */
  averageOrderValue: number | null;
  /** Currencies seen in purchases and refunds; amounts are summed as sent. */
  currencies: string[];
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  loyalty: { earned: number; redeemed: number; balance: number };
  /** The latest answer of each survey (by occurredAt). */
  lastSurveys: { nps: SurveyScore | null; csat: SurveyScore | null; ces: SurveyScore | null };
  /** Complaints opened (ever) and those open now (opened or reopened, not resolved since). */
  complaints: { opened: number; open: string[] };
  sentiment: {
    n: number;
    sum: number;
    mean: number | null;
    lastAt: string | null;
    /** The last 180 days with a sentiment, for the trend computed when read. */
    days: SentimentDays;
  };
};

export function emptyProfile(customerId: string): CustomerProfileRow {
  return {
    customerId,
    linkedAnonymousIds: [],
    previousIds: [],
    mergedIds: [],
    mergedInto: null,
    attributes: {},
    erasedAt: null,
    consents: {},
    firstSeenAt: null,
    lastSeenAt: null,
    touchpoints: 0,
    countsByType: {},
    countsByChannel: {},
    orders: 0,
    grossSpend: 0,
    refunds: 0,
    refundedAmount: 0,
    netSpend: 0,
    averageOrderValue: null,
    currencies: [],
    firstPurchaseAt: null,
    lastPurchaseAt: null,
    loyalty: { earned: 0, redeemed: 0, balance: 0 },
    lastSurveys: { nps: null, csat: null, ces: null },
    complaints: { opened: 0, open: [] },
    sentiment: { n: 0, sum: 0, mean: null, lastAt: null, days: {} },
  };
}

const earliest = (a: string | null, b: string) => (a === null || b < a ? b : a);
const latest = (a: string | null, b: string) => (a === null || b > a ? b : a);
const withItem = (list: readonly string[], item: string) =>
  list.includes(item) ? [...list] : [...list, item];
const without = (list: readonly string[], item: string) => list.filter((i) => i !== item);
const increment = (counts: { [k: string]: number }, key: string) => ({
  ...counts,
  [key]: (counts[key] ?? 0) + 1,
});

function applyTouchpoint(row: CustomerProfileRow, e: JourneyEvent): CustomerProfileRow {
  const at = e.occurredAt;
  const next: CustomerProfileRow = {
    ...row,
    firstSeenAt: earliest(row.firstSeenAt, at),
    lastSeenAt: latest(row.lastSeenAt, at),
    touchpoints: row.touchpoints + 1,
    countsByType: increment(row.countsByType, e.type),
    countsByChannel: increment(row.countsByChannel, e.channel),
  };
  const sentiment = sentimentOf(e);
  if (sentiment) {
    const n = row.sentiment.n + 1;
    const sum = row.sentiment.sum + sentiment.value;
    next.sentiment = {
      n,
      sum,
      mean: sum / n,
      lastAt: latest(row.sentiment.lastAt, at),
      days: addSentimentDay(row.sentiment.days, dayOf(at), sentiment.value),
    };
  }
  switch (e.type) {
    case 'purchase': {
      const orders = row.orders + 1;
      const grossSpend = addAmounts(row.grossSpend, e.data.amount);
      const netSpend = addAmounts(grossSpend, -row.refundedAmount);
      return {
        ...next,
        orders,
        grossSpend,
        netSpend,
        averageOrderValue: netSpend / orders,
        currencies: withItem(row.currencies, e.data.currency),
        firstPurchaseAt: earliest(row.firstPurchaseAt, at),
        lastPurchaseAt: latest(row.lastPurchaseAt, at),
      };
    }
    case 'refund': {
      const refundedAmount = addAmounts(row.refundedAmount, e.data.amount);
      const netSpend = addAmounts(row.grossSpend, -refundedAmount);
      return {
        ...next,
        refunds: row.refunds + 1,
        refundedAmount,
        netSpend,
        averageOrderValue: row.orders > 0 ? netSpend / row.orders : null,
        currencies: withItem(row.currencies, e.data.currency),
      };
    }
    case 'loyalty.earned':
    case 'loyalty.redeemed': {
      const earned = row.loyalty.earned + (e.type === 'loyalty.earned' ? e.data.points : 0);
      const redeemed = row.loyalty.redeemed + (e.type === 'loyalty.redeemed' ? e.data.points : 0);
      return { ...next, loyalty: { earned, redeemed, balance: earned - redeemed } };
    }
    case 'survey.nps':
    case 'survey.csat':
    case 'survey.ces': {
      const answer = surveyAnswerOf(e)!;
      const last = row.lastSurveys[answer.kind];
      // Ties go to the later revision: the producer recorded it after the other one.
      if (last !== null && at < last.at) return next;
      return {
        ...next,
        lastSurveys: {
          ...row.lastSurveys,
          [answer.kind]: { score: answer.score, at, channel: e.channel },
        },
      };
    }
    case 'complaint.opened':
      return {
        ...next,
        complaints: {
          opened: row.complaints.opened + 1,
          open: withItem(row.complaints.open, e.data.complaintId),
        },
      };
    case 'complaint.reopened':
      return {
        ...next,
        complaints: { ...row.complaints, open: withItem(row.complaints.open, e.data.complaintId) },
      };
    case 'complaint.resolved':
      return {
        ...next,
        complaints: { ...row.complaints, open: without(row.complaints.open, e.data.complaintId) },
      };
    case 'profile.updated': {
      const attributes: JsonObject = { ...row.attributes };
      for (const [key, value] of Object.entries(e.data.attributes ?? {})) {
        if (value === null) delete attributes[key];
        else attributes[key] = value;
      }
      return { ...next, attributes };
    }
    case 'consent.changed': {
      const current = row.consents[e.data.purpose];
      if (current && at < current.at) return next;
      return {
        ...next,
        consents: {
          ...row.consents,
          [e.data.purpose]: {
            granted: e.data.granted,
            at,
            policyVersion: e.data.policyVersion ?? null,
          },
        },
      };
    }
    case 'identity.linked':
      return {
        ...next,
        linkedAnonymousIds:
          e.data.anonymousId !== undefined
            ? withItem(row.linkedAnonymousIds, e.data.anonymousId)
            : row.linkedAnonymousIds,
        previousIds:
          e.data.previousId !== undefined
            ? withItem(row.previousIds, e.data.previousId)
            : row.previousIds,
      };
    default:
      return next;
  }
}

/** Erasure and merges are operations on the customer, not touchpoints: they change no counts. */
function applySystemEvent(row: CustomerProfileRow, e: JourneyEvent): CustomerProfileRow {
  switch (e.type) {
    case 'customer.erased':
      return { ...row, attributes: {}, erasedAt: e.occurredAt };
    case 'customer.merged':
      return e.data.survivorId === row.customerId
        ? { ...row, mergedIds: withItem(row.mergedIds, e.data.mergedId) }
        : { ...row, mergedInto: e.data.survivorId };
    case 'customer.unmerged':
      return e.data.survivorId === row.customerId
        ? { ...row, mergedIds: without(row.mergedIds, e.data.mergedId) }
        : { ...row, mergedInto: null };
    default:
      return row;
  }
}

export function evolveCustomerProfile(
  row: CustomerProfileRow | null,
  event: RecordedEvent,
): CustomerProfileRow {
  const e = readJourneyEvent(event);
  const current = row ?? emptyProfile(customerOfStream(event.streamId)!);
  return isTouchpointType(e.type) ? applyTouchpoint(current, e) : applySystemEvent(current, e);
}

export const customerProfileProjection = defineProjection<CustomerProfileRow>({
  name: CUSTOMER_PROFILE,
  version: 1,
  handles: EVENT_TYPES,
  rowKey: (event) => customerOfStream(event.streamId),
  evolve: evolveCustomerProfile,
  onPoison: 'dead-letter',
  table: { kind: 'jsonb', indexes: [{ name: 'last_seen', path: ['lastSeenAt'] }] },
});
