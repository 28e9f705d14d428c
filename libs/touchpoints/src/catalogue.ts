import type { ValidationIssue } from './rules/paths';
import type { EventType, SystemEventType, TouchpointType, Channel } from './event-types';
import { PurchaseData, RefundData } from './schema/commerce.schema';
import {
  ComplaintOpenedData,
  ComplaintReopenedData,
  ComplaintRespondedData,
  ComplaintResolvedData,
} from './schema/complaint.schema';
import { CesSurveyData, CsatSurveyData, NpsSurveyData } from './schema/survey.schema';
import {
  BrowseData,
  CampaignResponseData,
  DeliveryData,
  EnquiryData,
  ServiceContactData,
} from './schema/engagement.schema';
import { LoyaltyEarnedData, LoyaltyRedeemedData } from './schema/loyalty.schema';
import {
  ConsentChangedData,
  CustomData,
  IdentityLinkedData,
  ProfileUpdatedData,
} from './schema/identity.schema';
import {
  CustomerErasedData,
  CustomerMergedData,
  CustomerUnmergedData,
} from './schema/system.schema';
import { personalProperties, type SchemaClass } from './schema/schema-registry';

/** The `data` shape of each event type (its current version). */
export interface EventDataMap {
  purchase: PurchaseData;
  refund: RefundData;
  enquiry: EnquiryData;
  'complaint.opened': ComplaintOpenedData;
  'complaint.responded': ComplaintRespondedData;
  'complaint.resolved': ComplaintResolvedData;
  'complaint.reopened': ComplaintReopenedData;
  'survey.nps': NpsSurveyData;
  'survey.csat': CsatSurveyData;
  'survey.ces': CesSurveyData;
  browse: BrowseData;
  'campaign.response': CampaignResponseData;
  delivery: DeliveryData;
  'service.contact': ServiceContactData;
  'loyalty.earned': LoyaltyEarnedData;
  'loyalty.redeemed': LoyaltyRedeemedData;
  'profile.updated': ProfileUpdatedData;
  'consent.changed': ConsentChangedData;
  'identity.linked': IdentityLinkedData;
  custom: CustomData;
  'customer.erased': CustomerErasedData;
  'customer.merged': CustomerMergedData;
  'customer.unmerged': CustomerUnmergedData;
}

export interface TouchpointMetadata {
  source: string;
  correlationId?: string;
  causationId?: string;
}

/** One event as producers send it and as readers get it back (see docs/events.md). */
export interface EventEnvelope<T extends EventType> {
  eventId: string;
  type: T;
  /** RFC 3339 with offset, as the producer sent it. */
  occurredAt: string;
  customerId?: string;
  anonymousId?: string;
  channel: Channel;
  sentiment?: number;
  data: EventDataMap[T];
  metadata: TouchpointMetadata;
}

/** Any event a producer may send, discriminated by `type`. */
export type Touchpoint = { [T in TouchpointType]: EventEnvelope<T> }[TouchpointType];
/** Events operations record (erasure, merge). */
export type SystemEvent = { [T in SystemEventType]: EventEnvelope<T> }[SystemEventType];
/** Everything a customer's stream can hold. */
export type JourneyEvent = Touchpoint | SystemEvent;

/**
 * Rules that span fields, on input that may still be wrong elsewhere: they look at presence and
 * equality only, and the field checks report wrong types.
 */
type Refinement = (
  envelope: Readonly<Record<string, unknown>>,
  data: Readonly<Record<string, unknown>>,
) => ValidationIssue[];

export interface EventTypeDefinition<T extends EventType = EventType> {
  readonly type: T;
  /** The version of `data` written now; older stored versions are upcast on read. */
  readonly version: number;
  readonly description: string;
  /** False for system events, which only touchline's operations record. */
  readonly acceptedFromProducers: boolean;
  /** The class-validator class of `data`. */
  readonly dataSchema: SchemaClass;
  /** Paths of personal fields in the event (`data.text`): encrypted, and unreadable after erasure. */
  readonly personalFields: readonly string[];
  /** The event must be in a customer's stream, not an anonymous one. */
  readonly customerIdRequired: boolean;
  readonly refine?: Refinement;
}

const missing = (value: unknown): boolean => value === undefined || value === null;

function define<T extends EventType>(
  type: T,
  spec: {
    description: string;
    dataSchema: SchemaClass;
    version?: number;
    system?: boolean;
    customerIdRequired?: boolean;
    refine?: Refinement;
  },
): EventTypeDefinition<T> {
  return Object.freeze({
    type,
    version: spec.version ?? 1,
    description: spec.description,
    acceptedFromProducers: !spec.system,
    dataSchema: spec.dataSchema,
    personalFields: Object.freeze(personalProperties(spec.dataSchema).map((p) => `data.${p}`)),
    customerIdRequired: spec.customerIdRequired ?? spec.system ?? false,
    ...(spec.refine ? { refine: spec.refine } : {}),
  });
}

const differentCustomers: Refinement = (envelope, data) => {
  const issues: ValidationIssue[] = [];
  if (!missing(data.survivorId) && data.survivorId === data.mergedId) {
    issues.push({ path: 'data.mergedId', message: 'mergedId must differ from survivorId' });
  }
  if (
    !missing(envelope.customerId) &&
    envelope.customerId !== data.survivorId &&
    envelope.customerId !== data.mergedId
  ) {
    issues.push({
      path: 'customerId',
      message: 'customerId must be the survivorId or the mergedId',
    });
  }
  return issues;
};

export const TOUCHPOINT_CATALOGUE: { readonly [T in EventType]: EventTypeDefinition<T> } =
  Object.freeze({
    purchase: define('purchase', {
      description: 'An order was paid (online or in store).',
      dataSchema: PurchaseData,
    }),
    refund: define('refund', {
      description: 'Money was returned to the customer for (part of) an order.',
      dataSchema: RefundData,
    }),
    enquiry: define('enquiry', {
      description:
        'The customer asked a question (before or after buying) that is not a complaint.',
      dataSchema: EnquiryData,
    }),
    'complaint.opened': define('complaint.opened', {
      description: 'The customer complained.',
      dataSchema: ComplaintOpenedData,
    }),
    'complaint.responded': define('complaint.responded', {
      description: 'The business answered an open complaint.',
      dataSchema: ComplaintRespondedData,
    }),
    'complaint.resolved': define('complaint.resolved', {
      description: 'A complaint was closed, with its resolution.',
      dataSchema: ComplaintResolvedData,
    }),
    'complaint.reopened': define('complaint.reopened', {
      description: 'A resolved complaint was opened again.',
      dataSchema: ComplaintReopenedData,
    }),
    'survey.nps': define('survey.nps', {
      description: 'A Net Promoter Score answer (0–10).',
      dataSchema: NpsSurveyData,
    }),
    'survey.csat': define('survey.csat', {
      description: 'A customer satisfaction answer (1–5).',
      dataSchema: CsatSurveyData,
    }),
    'survey.ces': define('survey.ces', {
      description: 'A customer effort score answer (1–7).',
      dataSchema: CesSurveyData,
    }),
    browse: define('browse', {
      description: 'A page (web) or screen (app) was viewed.',
      dataSchema: BrowseData,
      refine: (_envelope, data) =>
        missing(data.url) && missing(data.screen)
          ? [{ path: 'data.url', message: 'url or screen is required' }]
          : [],
    }),
    'campaign.response': define('campaign.response', {
      description: 'The customer reacted to a marketing campaign (opened, clicked, unsubscribed…).',
      dataSchema: CampaignResponseData,
    }),
    delivery: define('delivery', {
      description: 'A shipment to the customer changed status.',
      dataSchema: DeliveryData,
    }),
    'service.contact': define('service.contact', {
      description:
        'A conversation with customer service (call, chat, visit) that is not a complaint.',
      dataSchema: ServiceContactData,
    }),
    'loyalty.earned': define('loyalty.earned', {
      description: 'Loyalty points were credited.',
      dataSchema: LoyaltyEarnedData,
    }),
    'loyalty.redeemed': define('loyalty.redeemed', {
      description: 'Loyalty points were spent.',
      dataSchema: LoyaltyRedeemedData,
    }),
    'profile.updated': define('profile.updated', {
      description: 'Profile attributes changed (set to a value, or cleared with null).',
      dataSchema: ProfileUpdatedData,
      refine: (_envelope, data) =>
        missing(data.attributes)
          ? [{ path: 'data.attributes', message: 'attributes is required' }]
          : [],
    }),
    'consent.changed': define('consent.changed', {
      description: 'The customer granted or withdrew consent for a purpose.',
      dataSchema: ConsentChangedData,
    }),
    'identity.linked': define('identity.linked', {
      description:
        'An anonymous visitor id, or an earlier customer id, was found to be this customer.',
      dataSchema: IdentityLinkedData,
      customerIdRequired: true,
      refine: (envelope, data) => {
        if (missing(data.anonymousId) && missing(data.previousId)) {
          return [{ path: 'data.anonymousId', message: 'anonymousId or previousId is required' }];
        }
        if (!missing(data.previousId) && data.previousId === envelope.customerId) {
          return [{ path: 'data.previousId', message: 'previousId must differ from customerId' }];
        }
        return [];
      },
    }),
    custom: define('custom', {
      description: 'Anything the catalogue does not type yet, named by the producer.',
      dataSchema: CustomData,
    }),
    'customer.erased': define('customer.erased', {
      description:
        "The customer's data key was destroyed (GDPR erasure): their personal fields are unreadable.",
      dataSchema: CustomerErasedData,
      system: true,
    }),
    'customer.merged': define('customer.merged', {
      description:
        "A duplicate customer was merged into a survivor; recorded in both customers' streams.",
      dataSchema: CustomerMergedData,
      system: true,
      refine: differentCustomers,
    }),
    'customer.unmerged': define('customer.unmerged', {
      description: 'A merge was undone (compensating event); recorded in both streams.',
      dataSchema: CustomerUnmergedData,
      system: true,
      refine: differentCustomers,
    }),
  });

export function eventTypeDefinition<T extends EventType>(type: T): EventTypeDefinition<T> {
  return TOUCHPOINT_CATALOGUE[type] as EventTypeDefinition<T>;
}

/** Current version per type: what upcasters lift stored events to. */
export const CURRENT_VERSIONS: Readonly<Record<EventType, number>> = Object.freeze(
  Object.fromEntries(Object.values(TOUCHPOINT_CATALOGUE).map((d) => [d.type, d.version])) as Record<
    EventType,
    number
  >,
);
