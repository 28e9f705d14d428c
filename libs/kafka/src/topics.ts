/**
 * Topic names are a persisted contract shared with producers and consumers outside this code
 * base: a breaking change to a topic's messages gets a new version suffix, never an edit in place.
 */
export const TOPICS = {
  /** Touchpoints from external producers, into ingest. */
  inbound: 'touchline.inbound.v1',
  /** Inbound messages ingest could not accept, with the reason, for operations to inspect. */
  inboundDeadLetter: 'touchline.inbound.v1.dlq',
  /** Every recorded event, published by the relay only (CloudEvents, key = customer id). */
  journey: 'touchline.journey.v1',
  /** Signals derived by projections (churn risk, complaints) for downstream systems. */
  alerts: 'touchline.alerts.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];
