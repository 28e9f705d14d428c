import type { JsonValue } from '@touchline/event-store';

/**
 * A CloudEvent (CloudEvents 1.0). Attribute values follow the spec's type system: String, URI,
 * URI-reference and Timestamp are strings (time in RFC 3339), Integer a number, Boolean a boolean.
 * Extensions sit in their own map so the core attributes stay typed.
 */
export interface CloudEvent<TData = CloudEventData> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  /** RFC 3339. Kept as the string it arrived as: re-formatting would change what the producer sent. */
  time?: string;
  subject?: string;
  datacontenttype?: string;
  dataschema?: string;
  /**
   * A JSON value when datacontenttype declares JSON (subtype `json` or `...+json`; an absent one
   * means JSON in the JSON format), bytes for other content read in binary mode or from
   * `data_base64`, a string for other content in the JSON format.
   */
  data?: TData;
  /** Extension attributes by name: lower-case a-z and 0-9 only, never a core attribute's name. */
  extensions: Record<string, CloudEventAttributeValue>;
}

export type CloudEventAttributeValue = string | number | boolean;
export type CloudEventData = JsonValue | Uint8Array;

export type CloudEventErrorCode =
  /** A REQUIRED attribute (specversion, id, source, type) is absent. */
  | 'missing_attribute'
  /** A bad name, a wrong type, an empty value, a bad timestamp, an attribute given twice. */
  | 'invalid_attribute'
  | 'unsupported_specversion'
  /** A structured-mode event format other than JSON, or the batch format Kafka does not define. */
  | 'unsupported_format'
  /** A value that should be JSON (a structured event, or JSON data) and is not. */
  | 'invalid_json';

export interface CloudEventError {
  code: CloudEventErrorCode;
  message: string;
  attribute?: string;
}

/** Thrown when encoding an event that breaks the spec: a bug in the caller, not bad input. */
export class InvalidCloudEventError extends Error {
  constructor(readonly detail: CloudEventError) {
    super(detail.message);
    this.name = 'InvalidCloudEventError';
  }
}

export type Failure = { ok: false; error: CloudEventError };
export type Result<T> = { ok: true; value: T } | Failure;

export const SPEC_VERSION = '1.0';

const CORE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'datacontenttype',
  'dataschema',
]);

/**
 * Extensions whose CloudEvents type is Integer. Binary mode carries every attribute as a string;
 * the spec asks a typed model to convert canonical strings back, and only the extension's owner
 * knows its type, so unknown extensions read from headers stay strings.
 */
const INTEGER_EXTENSIONS: ReadonlySet<string> = new Set(['tlrevision', 'tlversion']);

const ATTRIBUTE_NAME = /^[a-z0-9]+$/;
// The spec's String type forbids C0 and C1 control characters.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const INTEGER_STRING = /^-?(?:0|[1-9]\d*)$/;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

export function fail(code: CloudEventErrorCode, message: string, attribute?: string): Failure {
  return {
    ok: false,
    error: attribute === undefined ? { code, message } : { code, message, attribute },
  };
}

/**
 * Validates and types the context attributes of an event (everything but data), whether they
 * came from Kafka headers (all strings) or a JSON object (typed values, nulls already dropped).
 */
export function parseContext(raw: Record<string, unknown>): Result<Omit<CloudEvent, 'data'>> {
  for (const name of Object.keys(raw)) {
    if (!ATTRIBUTE_NAME.test(name) || name === 'data') {
      return fail(
        'invalid_attribute',
        `"${name}" is not a CloudEvents attribute name (lower-case a-z and 0-9 only, not "data")`,
        name,
      );
    }
  }

  if (raw.specversion === undefined)
    return fail('missing_attribute', 'specversion is required', 'specversion');
  if (raw.specversion !== SPEC_VERSION) {
    return fail(
      'unsupported_specversion',
      `specversion ${JSON.stringify(raw.specversion)} is not supported (only "1.0")`,
      'specversion',
    );
  }
  const context: Omit<CloudEvent, 'data'> = {
    specversion: SPEC_VERSION,
    id: '',
    source: '',
    type: '',
    extensions: {},
  };
  for (const name of ['id', 'source', 'type'] as const) {
    const value = raw[name];
    if (value === undefined) return fail('missing_attribute', `${name} is required`, name);
    const checked = nonEmptyString(name, value);
    if (!checked.ok) return checked;
    context[name] = checked.value;
  }
  if (/\s/.test(context.source)) {
    return fail('invalid_attribute', 'source must be a URI-reference (no whitespace)', 'source');
  }

  for (const name of ['time', 'subject', 'datacontenttype', 'dataschema'] as const) {
    const value = raw[name];
    if (value === undefined) continue;
    const checked = nonEmptyString(name, value);
    if (!checked.ok) return checked;
    context[name] = checked.value;
  }
  if (context.time !== undefined && !isRfc3339(context.time)) {
    return fail('invalid_attribute', `time "${context.time}" is not an RFC 3339 timestamp`, 'time');
  }
  if (
    context.datacontenttype !== undefined &&
    !/^[^\s/;]+\/[^\s/;]+/.test(context.datacontenttype)
  ) {
    return fail(
      'invalid_attribute',
      `datacontenttype "${context.datacontenttype}" is not a media type`,
      'datacontenttype',
    );
  }
  if (context.dataschema !== undefined && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(context.dataschema)) {
    return fail('invalid_attribute', 'dataschema must be an absolute URI', 'dataschema');
  }

  for (const [name, value] of Object.entries(raw)) {
    if (CORE_ATTRIBUTES.has(name)) continue;
    const checked = extensionValue(name, value);
    if (!checked.ok) return checked;
    context.extensions[name] = checked.value;
  }
  const partitionKey = context.extensions.partitionkey;
  if (partitionKey !== undefined && (typeof partitionKey !== 'string' || partitionKey === '')) {
    return fail('invalid_attribute', 'partitionkey must be a non-empty string', 'partitionkey');
  }
  return { ok: true, value: context };
}

/** The attributes of an event as one flat record, as the JSON format and the headers carry them. */
export function flattenContext(
  event: CloudEvent<unknown>,
): Result<Record<string, CloudEventAttributeValue>> {
  const flat: Record<string, CloudEventAttributeValue> = {
    specversion: event.specversion,
    id: event.id,
    source: event.source,
    type: event.type,
  };
  for (const name of ['time', 'subject', 'datacontenttype', 'dataschema'] as const) {
    const value = event[name];
    if (value !== undefined) flat[name] = value;
  }
  for (const [name, value] of Object.entries(event.extensions ?? {})) {
    if (CORE_ATTRIBUTES.has(name)) {
      return fail('invalid_attribute', `extension "${name}" clashes with a core attribute`, name);
    }
    flat[name] = value;
  }
  const parsed = parseContext(flat);
  return parsed.ok ? { ok: true, value: flat } : parsed;
}

/** Subtype `json` or a `+json` suffix, parameters ignored: the JSON format's test for JSON data. */
export function isJsonMediaType(contentType: string): boolean {
  return /^[^/]+\/(?:[^/]*\+)?json$/.test(mediaType(contentType));
}

/** The media type without parameters, lower-cased (media types are case-insensitive). */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

function nonEmptyString(name: string, value: unknown): Result<string> {
  if (typeof value !== 'string') return fail('invalid_attribute', `${name} must be a string`, name);
  if (value === '') return fail('invalid_attribute', `${name} must not be empty`, name);
  if (CONTROL_CHARACTER.test(value)) {
    return fail('invalid_attribute', `${name} contains a control character`, name);
  }
  return { ok: true, value };
}

function extensionValue(name: string, value: unknown): Result<CloudEventAttributeValue> {
  if (INTEGER_EXTENSIONS.has(name)) {
    const number = typeof value === 'string' && INTEGER_STRING.test(value) ? Number(value) : value;
    if (!isInt32(number)) {
      return fail(
        'invalid_attribute',
        `${name} must be an Integer (32-bit), got ${JSON.stringify(value)}`,
        name,
      );
    }
    return { ok: true, value: number };
  }
  if (typeof value === 'boolean') return { ok: true, value };
  if (typeof value === 'number') {
    return isInt32(value)
      ? { ok: true, value }
      : fail('invalid_attribute', `${name}: ${value} is not a CloudEvents Integer (32-bit)`, name);
  }
  if (typeof value === 'string') {
    return CONTROL_CHARACTER.test(value)
      ? fail('invalid_attribute', `${name} contains a control character`, name)
      : { ok: true, value };
  }
  return fail('invalid_attribute', `${name} must be a string, an integer or a boolean`, name);
}

function isInt32(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX
  );
}

function isRfc3339(value: string): boolean {
  return RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}
