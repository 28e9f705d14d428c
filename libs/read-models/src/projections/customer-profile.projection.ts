import type { JsonObject, RecordedEvent } from '@touchline/event-store';
import { defineProjection, type EvolveContext, type KeyContext } from '@touchline/projections';
import { EVENT_TYPES, isTouchpointType, type JourneyEvent } from '@touchline/touchpoints';
import { addAmounts } from '../rules/money';
import { addSentimentDay, type SentimentDays } from '../rules/sentiment-trend';
import { journeyIdentity } from './identity';
import {
  customerOfStream,
  dayOf,
  readJourneyEvent,
  sentimentOf,
  surveyAnswerOf,
} from './journey-event';

export const CUSTOMER_PROFILE = 'customer_profile';

/**
 * What the profile keeps of an attribute's value: that it is set, never the value. Attributes are
 * personal (docs/privacy.md): read models hold no personal data, so that erasure has nothing to
 * find in them and a dump of them holds none; the values are in the store, encrypted, for the
 * subject-access export and replay (scope ops).
 */
export const PERSONAL_VALUE = '[personal]';

export type SurveyScore = { score: number; at: string; channel: string };

export type Consent = { granted: boolean; at: string; policyVersion: string | null };

/**
 * One row per customer (`customer-<id>` stream), key = customer id. It counts the events of every
 * stream that counts for the customer (identity-aware, docs/read-models.md "Identity"): its own,
 * the anonymous ids it linked, its earlier ids and the duplicates merged into it, chains included.
 * A customer whose stream counts for another one keeps a pointer row: `canonicalId` names the
 * other one, and its counts are empty (they are in the other row). Tier and lifecycle depend on
 * configuration and on the clock, and are computed when read (rules/); RFM and churn risk come
 * from scheduled jobs.
 */
export type CustomerProfileRow = {
  customerId: string;
  /** The customer whose row counts this customer's events: itself, unless merged or linked as an earlier id. */
  canonicalId: string;
  /** Anonymous ids claimed with identity.linked by any customer of the group, in the order linked. */
  linkedAnonymousIds: string[];
  /** Earlier customer ids (identity.linked previousId), of the group. */
  previousIds: string[];
  /** Duplicates merged into this customer, directly or through another duplicate (chains). */
  mergedIds: string[];
  /** The survivor this customer was merged into, if it was the duplicate. */
  mergedInto: string | null;
  /**
   * profile.updated attributes set now (merged attribute by attribute, null clears), each mapped
   * to PERSONAL_VALUE: which ones are known, not their values.
   */
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
    canonicalId: customerId,
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
        else attributes[key] = PERSONAL_VALUE;
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
    // The group's row sees the merges of every stream in it: a duplicate merged into a duplicate
    // of this customer is one of its merged ids too.
    case 'customer.merged':
      return e.data.mergedId === row.customerId
        ? { ...row, mergedInto: e.data.survivorId }
        : { ...row, mergedIds: withItem(row.mergedIds, e.data.mergedId) };
    case 'customer.unmerged':
      return e.data.mergedId === row.customerId
        ? { ...row, mergedInto: null }
        : { ...row, mergedIds: without(row.mergedIds, e.data.mergedId) };
    default:
      return row;
  }
}

/**
 * The pointer row of a customer whose stream counts for `canonicalId`: its own merge state, and
 * nothing counted (the canonical row counts it). Only its own stream's events reach it.
 */
function applyToPointer(
  row: CustomerProfileRow | null,
  key: string,
  canonicalId: string,
  e: JourneyEvent,
): CustomerProfileRow {
  const current = row ?? emptyProfile(key);
  let mergedInto = current.mergedInto;
  if (e.type === 'customer.merged' && e.data.mergedId === key) mergedInto = e.data.survivorId;
  if (e.type === 'customer.unmerged' && e.data.mergedId === key) mergedInto = null;
  return { ...emptyProfile(key), canonicalId, mergedInto };
}

/** The stream's customer, or the customer its links lead to (context.canonical). */
export function evolveCustomerProfile(
  row: CustomerProfileRow | null,
  event: RecordedEvent,
  context: EvolveContext = { key: customerOfStream(event.streamId)!, canonical: event.streamId },
): CustomerProfileRow {
  const e = readJourneyEvent(event);
  const canonicalId = customerOfStream(context.canonical)!;
  if (context.key !== canonicalId) return applyToPointer(row, context.key, canonicalId, e);
  const current = row ?? emptyProfile(context.key);
  return isTouchpointType(e.type) ? applyTouchpoint(current, e) : applySystemEvent(current, e);
}

/** The canonical customer's row and, for an event of a customer counting for another one, its pointer row. */
export function customerProfileKeys(
  event: RecordedEvent,
  { canonical }: KeyContext,
): string[] | null {
  const canonicalId = customerOfStream(canonical);
  if (canonicalId === null) return null; // an anonymous visitor no customer has claimed (yet)
  const own = customerOfStream(event.streamId);
  return own !== null && own !== canonicalId ? [canonicalId, own] : [canonicalId];
}

export const customerProfileProjection = defineProjection<CustomerProfileRow>({
  name: CUSTOMER_PROFILE,
  version: 2,
  handles: EVENT_TYPES,
  identity: journeyIdentity,
  rowKey: customerProfileKeys,
  evolve: evolveCustomerProfile,
  onPoison: 'dead-letter',
  table: { kind: 'jsonb', indexes: [{ name: 'last_seen', path: ['lastSeenAt'] }] },
});
