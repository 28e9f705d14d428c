import { fromKafkaMessage, type IncomingKafkaMessage } from '@touchline/kafka';
import {
  validateTouchpoint,
  type Touchpoint,
  type ValidateOptions,
  type ValidationIssue,
} from '@touchline/touchpoints';
import { cloudEventToEnvelope, toCloudEventPath } from './cloud-event.mapping';

export type InboundFormat = 'cloudevents-binary' | 'cloudevents-structured' | 'json';

/** Why a message went to the dead-letter topic: the value of its `tl_dlq_reason` header. */
export type DeadLetterReason =
  /** The value (or a CloudEvent's data) is not UTF-8 JSON, or there is none. */
  | 'undecodable'
  /** Breaks the CloudEvents spec or its Kafka binding. */
  | 'invalid_cloudevent'
  /** Decoded, but the catalogue refuses the touchpoint. */
  | 'invalid_touchpoint'
  /** The eventId is already stored with other content (HTTP answers 409). */
  | 'event_id_conflict';

export type InboundDecision =
  | { ok: true; format: InboundFormat; touchpoint: Touchpoint }
  | { ok: false; format: InboundFormat; reason: DeadLetterReason; errors: ValidationIssue[] };

const CLOUD_EVENT_HEADER_PREFIX = 'ce_';

/**
 * What a message of touchline.inbound.v1 says: a touchpoint the catalogue accepts, or why not.
 * A message is a CloudEvent when its content-type is `application/cloudevents…` (structured
 * mode) or it has a `ce_` header (binary mode); otherwise its value is a touchpoint in the native
 * JSON envelope, exactly as POST /v1/touchpoints takes it. Never throws.
 */
export function decodeInboundMessage(
  message: IncomingKafkaMessage,
  options: ValidateOptions = {},
): InboundDecision {
  const mode = cloudEventMode(message);
  if (mode === undefined) return decodeJson(message.value, options);
  const format = mode === 'structured' ? 'cloudevents-structured' : 'cloudevents-binary';
  const decoded = fromKafkaMessage(message);
  if (!decoded.ok) {
    const { code, message: text, attribute } = decoded.error;
    return {
      ok: false,
      format,
      reason: code === 'invalid_json' ? 'undecodable' : 'invalid_cloudevent',
      errors: [{ path: attribute ?? '', message: `${code}: ${text}` }],
    };
  }
  const mapped = cloudEventToEnvelope(decoded.event);
  if (!mapped.ok) return { ok: false, format, reason: mapped.reason, errors: mapped.errors };
  const result = validateTouchpoint(mapped.envelope, options);
  if (result.ok) return { ok: true, format, touchpoint: result.touchpoint };
  return {
    ok: false,
    format,
    reason: 'invalid_touchpoint',
    errors: result.errors.map((e) => ({ ...e, path: toCloudEventPath(e.path) })),
  };
}

function decodeJson(value: Buffer | string | null, options: ValidateOptions): InboundDecision {
  const format = 'json';
  if (value === null || value.length === 0) {
    return {
      ok: false,
      format,
      reason: 'undecodable',
      errors: [issue('the message has no value')],
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : strictUtf8.decode(value));
  } catch (error) {
    return {
      ok: false,
      format,
      reason: 'undecodable',
      errors: [issue(`the value is not UTF-8 JSON: ${(error as Error).message}`)],
    };
  }
  const result = validateTouchpoint(parsed, options);
  return result.ok
    ? { ok: true, format, touchpoint: result.touchpoint }
    : { ok: false, format, reason: 'invalid_touchpoint', errors: result.errors };
}

function cloudEventMode(message: IncomingKafkaMessage): 'binary' | 'structured' | undefined {
  let binary = false;
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'content-type') {
      const first = Array.isArray(value) ? value[0] : value;
      const text = first === undefined ? '' : first.toString().trim().toLowerCase();
      if (text.startsWith('application/cloudevents')) return 'structured';
    } else if (lower.startsWith(CLOUD_EVENT_HEADER_PREFIX)) {
      binary = true;
    }
  }
  return binary ? 'binary' : undefined;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function issue(message: string): ValidationIssue {
  return { path: '', message };
}
