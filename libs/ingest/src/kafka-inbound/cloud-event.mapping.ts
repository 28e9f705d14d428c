import type { CloudEvent } from '@touchline/kafka';
import type { ValidationIssue } from '@touchline/touchpoints';
import { eventIdForCloudEvent } from './stable-event-id';

/**
 * Extension attributes a producer sets for the envelope fields CloudEvents has no attribute for.
 * Names follow the spec (lower-case a-z and 0-9, at most 20 characters) and share the `tl` prefix
 * of the journey events' extensions. In binary mode every value is a string (`ce_tlsentiment:
 * -0.4`); in structured mode sentiment must be a string too unless it is -1, 0 or 1, because a
 * CloudEvents extension cannot hold a fractional number.
 */
export const INBOUND_EXTENSIONS = {
  channel: 'tlchannel',
  anonymousId: 'tlanonymousid',
  sentiment: 'tlsentiment',
  correlationId: 'tlcorrelationid',
  causationId: 'tlcausationid',
} as const;

const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(INBOUND_EXTENSIONS));
const TOUCHLINE_PREFIX = 'tl';

/** Envelope paths as the producer of a CloudEvent named them, for the errors it gets back. */
const CLOUD_EVENT_PATHS: Readonly<Record<string, string>> = {
  eventId: 'id',
  type: 'type',
  occurredAt: 'time',
  customerId: 'subject',
  anonymousId: INBOUND_EXTENSIONS.anonymousId,
  channel: INBOUND_EXTENSIONS.channel,
  sentiment: INBOUND_EXTENSIONS.sentiment,
  'metadata.source': 'source',
  'metadata.correlationId': INBOUND_EXTENSIONS.correlationId,
  'metadata.causationId': INBOUND_EXTENSIONS.causationId,
};

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export type CloudEventMapping =
  | { ok: true; envelope: Record<string, unknown> }
  | { ok: false; reason: 'undecodable' | 'invalid_touchpoint'; errors: ValidationIssue[] };

/**
 * The touchpoint envelope a CloudEvent stands for, not yet validated: the catalogue judges it as
 * it judges a touchpoint sent over HTTP. The mapping (docs/api.md, "Kafka inbound"):
 * id → eventId (see eventIdForCloudEvent), type → type, time → occurredAt, subject → customerId,
 * source → metadata.source, data → data, the `tl*` extensions → the other envelope fields. Other
 * extensions (partitionkey, traceparent, …) are transport concerns and are not stored; an
 * unknown `tl*` extension is refused, as an unknown envelope field is.
 */
export function cloudEventToEnvelope(event: CloudEvent): CloudEventMapping {
  const unknown = Object.keys(event.extensions)
    .filter((name) => name.startsWith(TOUCHLINE_PREFIX) && !KNOWN_EXTENSIONS.has(name))
    .map((name) => ({ path: name, message: `${name} is not a touchline inbound extension` }));
  if (unknown.length > 0) return { ok: false, reason: 'invalid_touchpoint', errors: unknown };

  const data = dataOf(event);
  if (!data.ok) return { ok: false, reason: 'undecodable', errors: [data.error] };

  const ext = event.extensions;
  const envelope: Record<string, unknown> = {
    eventId: eventIdForCloudEvent(event.source, event.id),
    type: event.type,
    occurredAt: event.time,
    customerId: event.subject,
    anonymousId: ext[INBOUND_EXTENSIONS.anonymousId],
    channel: ext[INBOUND_EXTENSIONS.channel],
    sentiment: sentimentOf(ext[INBOUND_EXTENSIONS.sentiment]),
    data: data.value,
    metadata: {
      source: event.source,
      correlationId: ext[INBOUND_EXTENSIONS.correlationId],
      causationId: ext[INBOUND_EXTENSIONS.causationId],
    },
  };
  // The catalogue treats an absent field and an undefined one alike; dropping them keeps the
  // object a plain JSON value.
  for (const key of Object.keys(envelope)) if (envelope[key] === undefined) delete envelope[key];
  const metadata = envelope.metadata as Record<string, unknown>;
  for (const key of Object.keys(metadata)) if (metadata[key] === undefined) delete metadata[key];
  return { ok: true, envelope };
}

/** A validation path of the envelope, renamed to the CloudEvent attribute it came from. */
export function toCloudEventPath(path: string): string {
  return CLOUD_EVENT_PATHS[path] ?? path;
}

function dataOf(
  event: CloudEvent,
): { ok: true; value: unknown } | { ok: false; error: ValidationIssue } {
  const { data, datacontenttype } = event;
  const declaresJson = datacontenttype === undefined || isJson(datacontenttype);
  if (!declaresJson) {
    return {
      ok: false,
      error: {
        path: 'data',
        message: `datacontenttype ${datacontenttype} is not JSON: a touchpoint's data is a JSON object`,
      },
    };
  }
  if (!(data instanceof Uint8Array)) return { ok: true, value: data };
  // Bytes without a content type (binary mode), or from data_base64: JSON is the only data a
  // touchpoint has, so read them as JSON rather than refuse a producer that left content-type out.
  try {
    return { ok: true, value: JSON.parse(strictUtf8.decode(data)) };
  } catch (error) {
    return {
      ok: false,
      error: { path: 'data', message: `data is not UTF-8 JSON: ${(error as Error).message}` },
    };
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isJson(contentType: string): boolean {
  const media = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return /^[^/]+\/(?:[^/]*\+)?json$/.test(media);
}

/** Binary mode carries every attribute as a string; anything else goes to the catalogue as is. */
function sentimentOf(value: string | number | boolean | undefined): unknown {
  return typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value) : value;
}
