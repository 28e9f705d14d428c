/**
 * Event type names are a persisted contract: they are stored with every event and routed on
 * forever. Never rename one; a replacement is a new type, and the old one stays readable.
 */
export const TOUCHPOINT_TYPES = [
  'purchase',
  'refund',
  'enquiry',
  'complaint.opened',
  'complaint.responded',
  'complaint.resolved',
  'complaint.reopened',
  'survey.nps',
  'survey.csat',
  'survey.ces',
  'browse',
  'campaign.response',
  'delivery',
  'service.contact',
  'loyalty.earned',
  'loyalty.redeemed',
  'profile.updated',
  'consent.changed',
  'identity.linked',
  'custom',
] as const;

/** What producers may send. */
export type TouchpointType = (typeof TOUCHPOINT_TYPES)[number];

/** Recorded by touchline itself (operations: erasure, merge); producers cannot send them. */
export const SYSTEM_EVENT_TYPES = [
  'customer.erased',
  'customer.merged',
  'customer.unmerged',
] as const;

export type SystemEventType = (typeof SYSTEM_EVENT_TYPES)[number];

export const EVENT_TYPES = [...TOUCHPOINT_TYPES, ...SYSTEM_EVENT_TYPES] as const;

/** Every type a customer stream can hold. */
export type EventType = TouchpointType | SystemEventType;

export const CHANNELS = [
  'web',
  'app',
  'store',
  'phone',
  'email',
  'chat',
  'social',
  'other',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const touchpointTypeSet: ReadonlySet<string> = new Set(TOUCHPOINT_TYPES);
const eventTypeSet: ReadonlySet<string> = new Set(EVENT_TYPES);

export function isTouchpointType(value: unknown): value is TouchpointType {
  return typeof value === 'string' && touchpointTypeSet.has(value);
}

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && eventTypeSet.has(value);
}
