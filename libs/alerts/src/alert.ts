import type { JsonObject } from '@touchline/event-store';

export const ALERT_KINDS = [
  'detractor',
  'complaint.first-response-missed',
  'churn.band-rise',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * An alert to raise. The id is deterministic, derived from what triggered it (see the *AlertId
 * functions): raising the same occurrence again (a redelivered event, a replay, a second process)
 * finds the id taken and does nothing, so each occurrence is alerted once.
 */
export interface NewAlert {
  id: string;
  kind: AlertKind;
  /** The customer it is about (Kafka key); for an anonymous visitor, the anonymous id. */
  customerId: string;
  /** When the triggering thing happened (the answer, the missed deadline, the refit's as-of). */
  occurredAt: Date;
  /** Why, in words, most important first. */
  reasons: string[];
  /** Facts for the receiver (score, complaint id, bands...). */
  data: JsonObject;
}

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface AlertDelivery {
  /** `kafka` or `webhook:<url>`. */
  target: string;
  state: DeliveryState;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

export interface Alert extends NewAlert {
  /** Order of raising: the list's cursor. */
  seq: string;
  raisedAt: Date;
  deliveries: AlertDelivery[];
}

/** Detractor: one alert per answer (the survey event's id). */
export const detractorAlertId = (eventId: string): string => `detractor:${eventId}`;

/** A missed first response: one alert per complaint (its first response is missed only once). */
export const firstResponseMissedAlertId = (complaintId: string): string =>
  `complaint.first-response-missed:${complaintId}`;

/** A churn band rise: one per customer, refit (its as-of instant) and band reached. */
export const churnBandRiseAlertId = (customerId: string, asOf: Date, band: string): string =>
  `churn.band-rise:${customerId}:${asOf.toISOString()}:${band}`;

/** The JSON body of a webhook and the data of the CloudEvent: the alert as receivers see it. */
export interface AlertPayload {
  id: string;
  kind: AlertKind;
  customerId: string;
  occurredAt: string;
  raisedAt: string;
  reasons: string[];
  data: JsonObject;
}

export function alertPayload(alert: NewAlert & { raisedAt: Date }): AlertPayload {
  return {
    id: alert.id,
    kind: alert.kind,
    customerId: alert.customerId,
    occurredAt: alert.occurredAt.toISOString(),
    raisedAt: alert.raisedAt.toISOString(),
    reasons: alert.reasons,
    data: alert.data,
  };
}
