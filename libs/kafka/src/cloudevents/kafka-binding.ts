import type { IHeaders } from 'kafkajs';
import type { JsonValue } from '@touchline/event-store';
import {
  fail,
  flattenContext,
  InvalidCloudEventError,
  isJsonMediaType,
  mediaType,
  parseContext,
  type CloudEvent,
  type Failure,
  type Result,
} from './cloud-event';

/**
 * The CloudEvents Kafka protocol binding (1.0), both content modes:
 * - binary: every attribute but data in a header named `ce_<attribute>`, extensions included;
 *   header keys and values are plain UTF-8 strings (no percent-encoding: that rule is HTTP's);
 *   `content-type` carries datacontenttype; the value is the data as-is;
 * - structured: `content-type: application/cloudevents+json`, the whole event in the value in
 *   the JSON event format.
 * The receiver tells them apart by content-type alone: a media type starting with
 * `application/cloudevents` (case-insensitive) is structured, anything else binary.
 * The key is the `partitionkey` extension when present, so a customer's events share a partition.
 */

/** A message as kafkajs hands it to eachMessage (or anything shaped like it). */
export interface IncomingKafkaMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
}

/** A message ready for kafkajs's producer.send. */
export interface OutgoingKafkaMessage {
  key: string | null;
  /** null for an event without data in binary mode (a tombstone on a compacted topic). */
  value: Buffer | null;
  headers: Record<string, string>;
}

export type ContentMode = 'binary' | 'structured';

export type DecodeResult = { ok: true; event: CloudEvent; mode: ContentMode } | Failure;

export const STRUCTURED_JSON_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

const HEADER_PREFIX = 'ce_';
const CONTENT_TYPE = 'content-type';

export function toBinaryMessage(event: CloudEvent<unknown>): OutgoingKafkaMessage {
  const flat = valid(flattenContext(event));
  const contentType =
    event.datacontenttype ??
    // The JSON format implies application/json when it is absent; the spec asks to say so
    // explicitly when moving to a binding where nothing implies it.
    (event.data !== undefined && !(event.data instanceof Uint8Array)
      ? 'application/json'
      : undefined);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(flat)) {
    if (name === 'datacontenttype') continue;
    // String() gives the canonical string encodings: decimal integers, "true"/"false".
    headers[HEADER_PREFIX + name] = String(value);
  }
  if (contentType !== undefined) headers[CONTENT_TYPE] = contentType;
  return { key: partitionKey(event), value: encodeBinaryData(event.data, contentType), headers };
}

export function toStructuredMessage(event: CloudEvent<unknown>): OutgoingKafkaMessage {
  const body: Record<string, unknown> = { ...valid(flattenContext(event)) };
  const { data, datacontenttype } = event;
  if (data instanceof Uint8Array) {
    body.data_base64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString(
      'base64',
    );
  } else if (data !== undefined) {
    if (
      datacontenttype !== undefined &&
      !isJsonMediaType(datacontenttype) &&
      typeof data !== 'string'
    ) {
      throw invalidData(`data for ${datacontenttype} must be bytes or an encoded string`);
    }
    body.data = data;
  }
  return {
    key: partitionKey(event),
    value: Buffer.from(JSON.stringify(body), 'utf8'),
    headers: { [CONTENT_TYPE]: STRUCTURED_JSON_CONTENT_TYPE },
  };
}

/**
 * Reads a CloudEvent from a Kafka message in either content mode. Bad input (a missing required
 * attribute, a malformed one, JSON that does not parse) is a typed result, so a consumer can
 * dead-letter it with the reason instead of crashing on it.
 */
export function fromKafkaMessage(message: IncomingKafkaMessage): DecodeResult {
  const headers = readHeaders(message.headers);
  if (!headers.ok) return headers;
  const contentTypes = [...headers.value.entries()]
    .filter(([name]) => name.toLowerCase() === CONTENT_TYPE)
    .flatMap(([, values]) => values);
  if (contentTypes.length > 1) {
    return fail(
      'invalid_attribute',
      'content-type header appears more than once',
      'datacontenttype',
    );
  }
  const contentType = contentTypes[0];
  if (contentType !== undefined && mediaType(contentType).startsWith('application/cloudevents')) {
    return decodeStructured(contentType, message.value);
  }
  return decodeBinary(headers.value, contentType, message.value);
}

function decodeStructured(contentType: string, value: Buffer | string | null): DecodeResult {
  if (mediaType(contentType) !== 'application/cloudevents+json') {
    return fail(
      'unsupported_format',
      `structured event format ${contentType} is not supported (only application/cloudevents+json)`,
    );
  }
  if (value === null || value.length === 0)
    return fail('invalid_json', 'structured-mode message has no value');
  const text = utf8(value);
  if (text === undefined) return fail('invalid_json', 'structured-mode value is not UTF-8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail('invalid_json', `structured-mode value is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail('invalid_json', 'structured-mode value is not a JSON object');
  }

  const raw: Record<string, unknown> = {};
  let hasData = false;
  let data: unknown;
  let dataBase64: unknown;
  for (const [name, member] of Object.entries(parsed)) {
    if (name === 'data') {
      // Unlike an attribute, data may be an explicit JSON null.
      hasData = true;
      data = member;
    } else if (name === 'data_base64') {
      dataBase64 = member ?? undefined;
    } else if (member !== null) {
      // The JSON format reads a null attribute as an absent one.
      raw[name] = member;
    }
  }
  const context = parseContext(raw);
  if (!context.ok) return context;
  const event: CloudEvent = context.value;

  if (dataBase64 !== undefined) {
    if (hasData)
      return fail('invalid_attribute', 'data and data_base64 are mutually exclusive', 'data');
    if (
      typeof dataBase64 !== 'string' ||
      !/^[A-Za-z0-9+/]*={0,2}$/.test(dataBase64) ||
      dataBase64.length % 4 !== 0
    ) {
      return fail('invalid_attribute', 'data_base64 is not a Base64 string', 'data_base64');
    }
    event.data = Buffer.from(dataBase64, 'base64');
  } else if (hasData) {
    const declaresJson =
      event.datacontenttype === undefined || isJsonMediaType(event.datacontenttype);
    if (!declaresJson && typeof data !== 'string') {
      return fail(
        'invalid_attribute',
        `data for ${event.datacontenttype} must be a string`,
        'data',
      );
    }
    event.data = data as JsonValue;
  }
  return { ok: true, event, mode: 'structured' };
}

function decodeBinary(
  headers: Map<string, string[]>,
  contentType: string | undefined,
  value: Buffer | string | null,
): DecodeResult {
  const raw: Record<string, string> = {};
  for (const [name, values] of headers) {
    if (!name.startsWith(HEADER_PREFIX)) continue;
    const attribute = name.slice(HEADER_PREFIX.length);
    if (values.length > 1) {
      return fail('invalid_attribute', `header ${name} appears more than once`, attribute);
    }
    raw[attribute] = values[0]!;
  }
  // The binding maps content-type to datacontenttype; a ce_datacontenttype header is only a
  // fallback for producers that send it instead.
  if (contentType !== undefined) raw.datacontenttype = contentType;
  const context = parseContext(raw);
  if (!context.ok) return context;
  const event: CloudEvent = context.value;
  if (value === null) return { ok: true, event, mode: 'binary' };

  if (event.datacontenttype !== undefined && isJsonMediaType(event.datacontenttype)) {
    const text = utf8(value);
    if (text === undefined) return fail('invalid_json', 'JSON data is not UTF-8', 'data');
    try {
      event.data = JSON.parse(text) as JsonValue;
    } catch (error) {
      return fail('invalid_json', `data is not JSON: ${(error as Error).message}`, 'data');
    }
  } else {
    // No content type, or not JSON: the bytes as they came; interpreting them is the reader's call.
    event.data = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  }
  return { ok: true, event, mode: 'binary' };
}

/** Header values as strings by header name; the binding requires UTF-8 for both. */
function readHeaders(headers: IHeaders | undefined): Result<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  for (const [name, raw] of Object.entries(headers ?? {})) {
    if (raw === undefined) continue;
    const values: string[] = [];
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      const text = utf8(item);
      if (text === undefined) {
        const attribute = name.startsWith(HEADER_PREFIX)
          ? name.slice(HEADER_PREFIX.length)
          : undefined;
        return fail('invalid_attribute', `header ${name} is not UTF-8`, attribute);
      }
      values.push(text);
    }
    map.set(name, values);
  }
  return { ok: true, value: map };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function utf8(value: Buffer | string): string | undefined {
  if (typeof value === 'string') return value;
  try {
    return strictUtf8.decode(value);
  } catch {
    return undefined;
  }
}

function encodeBinaryData(data: unknown, contentType: string | undefined): Buffer | null {
  if (data === undefined) return null;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (contentType !== undefined && isJsonMediaType(contentType)) {
    return Buffer.from(JSON.stringify(data), 'utf8');
  }
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  throw invalidData(
    `data for ${contentType ?? 'an event without datacontenttype'} must be bytes or an encoded string`,
  );
}

function partitionKey(event: CloudEvent<unknown>): string | null {
  const key = event.extensions.partitionkey;
  return typeof key === 'string' ? key : null;
}

function valid<T>(result: Result<T>): T {
  if (!result.ok) throw new InvalidCloudEventError(result.error);
  return result.value;
}

function invalidData(message: string): InvalidCloudEventError {
  return new InvalidCloudEventError({ code: 'invalid_attribute', message, attribute: 'data' });
}
