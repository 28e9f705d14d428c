import {
  CHANNELS,
  MAX_REPORTED_ERRORS,
  validateTouchpoint,
  type Channel,
  type Touchpoint,
  type TouchpointType,
  type ValidationIssue,
} from '@touchline/touchpoints';
import { uuidV5 } from '../../kafka-inbound/stable-event-id';
import {
  asCustom,
  coerce,
  hasValue,
  mapTrack,
  restOf,
  valueAt,
  type MappedTrack,
  type SegmentMapping,
} from './segment-track-rules';

/**
 * Segment HTTP Tracking API calls → touchpoints (docs/api.md, "Segment-compatible API"): shape
 * and size checks, identity, idempotency ids, clock-skew correction, the mapping of each call
 * type, and the catalogue's validation with every error pointing at the Segment field. Pure: the
 * receive time is an argument.
 */

/** Segment's limits: 32 KB per call, 500 KB and 2,500 calls per batch, measured as compact JSON. */
export const MAX_CALL_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;
export const MAX_BATCH_CALLS = 2_500;

/**
 * Below this |receivedAt − sentAt| the client's clock is taken as right and `timestamp` is kept as
 * sent; above it the difference is a clock error and corrected. It is longer than any Segment
 * SDK's request timeout, so transit time alone never crosses it, and retries of a message from a
 * client with a sound clock carry the same occurredAt (an idempotent duplicate, not a conflict).
 */
export const SKEW_CORRECTION_THRESHOLD_MS = 60_000;

/**
 * Name-based UUIDv5 namespaces: persisted contracts. Changing one gives every retried message a
 * new eventId, and the store would record it twice.
 */
export const SEGMENT_MESSAGE_NAMESPACE = 'f224cf90-210c-49c3-bed2-54e13f552c5c';
/** For the identity.linked an identify with userId and anonymousId records beside its profile. */
export const SEGMENT_LINK_NAMESPACE = 'e3bc23dc-7441-4512-9b46-5fba547e05cb';

export const SEGMENT_ROUTES = [
  'batch',
  'track',
  'identify',
  'alias',
  'page',
  'screen',
  'group',
] as const;
export type SegmentRoute = (typeof SEGMENT_ROUTES)[number];
export type SegmentCallType = Exclude<SegmentRoute, 'batch'>;
const CALL_TYPES: readonly string[] = SEGMENT_ROUTES.filter((r) => r !== 'batch');

/** What the catalogue accepts as an eventId (RFC 9562, versions 1–8; nil and max excluded). */
const CATALOGUE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const MAX_MESSAGE_ID = 1_024;

/**
 * The eventId of a message: its messageId when that is a UUID (lower-cased), else the UUIDv5 of
 * the messageId alone. Not of the write key too: a retry after a key rotation must still find the
 * message, and the ids SDKs generate are unique on their own (analytics-node: node-next-<ms>-<uuid>).
 */
export function eventIdForMessage(messageId: string): string {
  return CATALOGUE_UUID.test(messageId)
    ? messageId.toLowerCase()
    : uuidV5(SEGMENT_MESSAGE_NAMESPACE, messageId);
}

/** The eventId of the identity.linked an identify records beside its profile.updated. */
export function linkedEventId(eventId: string): string {
  return uuidV5(SEGMENT_LINK_NAMESPACE, eventId);
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;
const MAX_DATE_MS = 8.64e15;

/**
 * An ISO 8601 date-time with a zone, as Segment accepts it ("2015-2-02T00:30:08.276Z" included),
 * in epoch milliseconds; 'invalid' for anything else. A time without a zone is refused: guessing
 * one moves events by hours.
 */
export function parseSegmentTime(value: unknown): number | 'invalid' {
  if (typeof value !== 'string' || value.length > 40) return 'invalid';
  const m = ISO_DATE_TIME.exec(value);
  if (m === null) return 'invalid';
  const [, year, month, day, hour, minute, second = '00', fraction = '', zone = 'Z'] = m;
  const offset =
    zone.toUpperCase() === 'Z'
      ? 'Z'
      : `${zone.slice(0, 3)}:${zone.length > 3 ? zone.slice(-2) : '00'}`;
  // Date.parse rolls 2026-02-30 over into March: check the calendar first.
  const [y, mo, d] = [Number(year), Number(month), Number(day)];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth) return 'invalid';
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return 'invalid';
  const millis = fraction.slice(0, 3).padEnd(3, '0');
  const iso = `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}T${hour!.padStart(2, '0')}:${minute}:${second}.${millis}${offset}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 'invalid' : ms;
}

/**
 * When the call happened, by the server's clock. Segment's correction, receivedAt − (sentAt −
 * timestamp), applied only when the client's clock is off by more than the threshold; without
 * sentAt the timestamp as sent; without a timestamp the receive time.
 */
export function occurredAtFor(times: {
  timestamp: number | undefined;
  sentAt: number | undefined;
  receivedAt: number;
}): number {
  const { timestamp, sentAt, receivedAt } = times;
  if (timestamp === undefined) return receivedAt;
  if (sentAt === undefined) return timestamp;
  const skew = receivedAt - sentAt;
  return Math.abs(skew) > SKEW_CORRECTION_THRESHOLD_MS ? timestamp + skew : timestamp;
}

const WEB_LIBRARY = /analytics\.js|analytics-next|javascript|browser/i;
const APP_LIBRARY = /ios|android|react-native|swift|kotlin|flutter|xamarin|unity|cordova|mobile/i;
/** RudderStack SDKs name their channel at the top level of each call. */
const CALL_CHANNELS: Readonly<Record<string, Channel>> = { web: 'web', mobile: 'app' };

/**
 * The touchpoint's channel: context.channel when it names one; else the mapping rule's (email
 * events); else the call's own `channel` (RudderStack); else the library family (browser → web,
 * mobile → app); else page → web and screen → app; else other (server libraries).
 */
export function channelFor(
  type: SegmentCallType,
  call: Readonly<Record<string, unknown>>,
  context: Readonly<Record<string, unknown>>,
  ruleChannel?: Channel,
): Channel {
  const isChannel = (v: unknown): v is Channel =>
    typeof v === 'string' && (CHANNELS as readonly string[]).includes(v);
  if (isChannel(context.channel)) return context.channel;
  if (ruleChannel !== undefined) return ruleChannel;
  const own = typeof call.channel === 'string' ? call.channel.toLowerCase() : undefined;
  if (isChannel(own)) return own;
  if (own !== undefined && CALL_CHANNELS[own] !== undefined) return CALL_CHANNELS[own];
  const library = valueAt(context, ['library', 'name']);
  if (typeof library === 'string') {
    if (APP_LIBRARY.test(library)) return 'app';
    if (WEB_LIBRARY.test(library)) return 'web';
  }
  if (type === 'page') return 'web';
  if (type === 'screen') return 'app';
  return 'other';
}

export interface SegmentRequestContext {
  route: SegmentRoute;
  /** The server's clock when the request arrived (epoch ms). */
  receivedAt: number;
  /** metadata.source of every touchpoint, e.g. segment:<API key id>. */
  source: string;
  mapping: SegmentMapping;
}

export type SegmentMappingResult =
  { ok: true; touchpoints: Touchpoint[] } | { ok: false; errors: ValidationIssue[] };

/**
 * A Segment request body as validated touchpoints, all or nothing: any problem in any call makes
 * the whole request invalid, with every problem listed by its path in the body (`batch[3].
 * properties.total`). A call may give no touchpoint (an identify with nothing to record), one, or
 * two (an identify that also links an anonymous id).
 */
export function mapSegmentRequest(
  body: unknown,
  context: SegmentRequestContext,
): SegmentMappingResult {
  const errors = new IssueList();
  if (!isObject(body)) {
    errors.add('', 'the body must be a JSON object');
    return errors.result();
  }
  let calls: { call: unknown; type: unknown; prefix: string }[];
  let shared: Shared;
  if (context.route === 'batch') {
    const batch = body.batch;
    if (!Array.isArray(batch) || batch.length === 0) {
      errors.add('batch', 'batch must be a non-empty array of calls');
      return errors.result();
    }
    if (batch.length > MAX_BATCH_CALLS) {
      errors.add(
        'batch',
        `a batch holds at most ${MAX_BATCH_CALLS.toLocaleString('en')} calls, got ${batch.length.toLocaleString('en')}`,
      );
      return errors.result();
    }
    let bytes = jsonBytes({ ...body, batch: [] }) + batch.length - 1;
    batch.forEach((call: unknown, i) => {
      const size = jsonBytes(call);
      bytes += size;
      if (size > MAX_CALL_BYTES)
        errors.add(`batch[${i}]`, tooLarge('the call', size, MAX_CALL_BYTES, '32 KB'));
    });
    if (bytes > MAX_BATCH_BYTES)
      errors.add('', tooLarge('the batch', bytes, MAX_BATCH_BYTES, '500 KB'));
    if (errors.size > 0) return errors.result();
    shared = sharedOf(body, errors);
    calls = batch.map((call: unknown, i) => ({
      call,
      type: isObject(call) ? call.type : undefined,
      prefix: `batch[${i}]`,
    }));
  } else {
    const size = jsonBytes(body);
    if (size > MAX_CALL_BYTES) {
      errors.add('', tooLarge('the call', size, MAX_CALL_BYTES, '32 KB'));
      return errors.result();
    }
    shared = { context: {}, sentAt: undefined };
    calls = [{ call: body, type: context.route, prefix: '' }];
  }

  const touchpoints: Touchpoint[] = [];
  const firstOf = new Map<string, { prefix: string; json: string }>();
  const now = new Date(context.receivedAt);
  for (const { call, type, prefix } of calls) {
    const at = (path: string) => joinPath(prefix, path);
    if (!isObject(call)) {
      errors.add(prefix, 'a call must be a JSON object');
      continue;
    }
    if (typeof type !== 'string' || !CALL_TYPES.includes(type)) {
      errors.add(at('type'), `type must be one of ${CALL_TYPES.join(', ')}`);
      continue;
    }
    const mapped = mapCall(call, type as SegmentCallType, shared, context, (path, message) =>
      errors.add(at(path), message),
    );
    for (const { touchpoint, trace } of mapped) {
      const result = validateTouchpoint(touchpoint, { now });
      if (!result.ok) {
        for (const issue of result.errors) {
          errors.add(
            at(tracedPath(issue.path, trace)),
            `${issue.message} (${touchpoint.type} ${issue.path === '' ? 'touchpoint' : issue.path})`,
          );
        }
        continue;
      }
      const json = JSON.stringify(result.touchpoint);
      const first = firstOf.get(result.touchpoint.eventId);
      if (first === undefined) {
        firstOf.set(result.touchpoint.eventId, { prefix, json });
        touchpoints.push(result.touchpoint);
      } else if (first.json !== json) {
        errors.add(
          at('messageId'),
          `messageId repeats the one of ${first.prefix || 'an earlier call'}, with different content`,
        );
      }
      // The same message twice in one request is a retry within the request: recorded once.
    }
  }
  return errors.size > 0 ? errors.result() : { ok: true, touchpoints };
}

interface Shared {
  /** The batch's context, merged under each call's own. */
  context: Readonly<Record<string, unknown>>;
  /** The batch's sentAt (epoch ms); a call's own wins. */
  sentAt: number | undefined;
}

function sharedOf(body: Record<string, unknown>, errors: IssueList): Shared {
  const context = body.context;
  if (context !== undefined && context !== null && !isObject(context))
    errors.add('context', 'context must be an object');
  const sentAt = timeOf(body.sentAt, 'sentAt', (path, message) => errors.add(path, message));
  return { context: isObject(context) ? context : {}, sentAt };
}

interface Candidate {
  touchpoint: Record<string, unknown> & { type: TouchpointType };
  /** touchpoint path → call path, longest prefix wins. */
  trace: [string, string][];
}

type Report = (path: string, message: string) => void;

function mapCall(
  call: Record<string, unknown>,
  type: SegmentCallType,
  shared: Shared,
  request: SegmentRequestContext,
  report: Report,
): Candidate[] {
  const failures = { count: 0 };
  const fail: Report = (path, message) => {
    failures.count++;
    report(path, message);
  };
  const messageId = call.messageId;
  if (typeof messageId !== 'string' || messageId === '' || messageId.length > MAX_MESSAGE_ID)
    fail(
      'messageId',
      `messageId is required: a string of 1 to ${MAX_MESSAGE_ID} characters, unique per message ` +
        '(touchline records each message once by it)',
    );
  const userId = partyId(call, 'userId', fail);
  const anonymousId = partyId(call, 'anonymousId', fail);
  const ownContext = call.context;
  if (ownContext !== undefined && ownContext !== null && !isObject(ownContext))
    fail('context', 'context must be an object');
  const context = { ...shared.context, ...(isObject(ownContext) ? ownContext : {}) };
  const properties = objectAt(
    call,
    type === 'identify' || type === 'group' ? 'traits' : 'properties',
    fail,
  );
  const timestampField =
    call.timestamp !== undefined && call.timestamp !== null ? 'timestamp' : 'originalTimestamp';
  const timestamp = timeAt(call, timestampField, fail);
  const sentAt = timeAt(call, 'sentAt', fail) ?? shared.sentAt;
  if (userId === undefined && anonymousId === undefined)
    fail('userId', 'userId or anonymousId is required');
  if (failures.count > 0) return [];

  const eventId = eventIdForMessage(messageId as string);
  const occurredAtMs = occurredAtFor({ timestamp, sentAt, receivedAt: request.receivedAt });
  if (Math.abs(occurredAtMs) > MAX_DATE_MS) {
    report(timestampField, 'the corrected time is out of range: check timestamp and sentAt');
    return [];
  }
  const base = {
    occurredAt: new Date(occurredAtMs).toISOString(),
    metadata: { source: request.source },
  };
  const baseTrace: [string, string][] = [
    ['eventId', 'messageId'],
    ['occurredAt', timestamp === undefined ? '' : timestampField],
    ['customerId', 'userId'],
    ['anonymousId', 'anonymousId'],
    ['channel', 'context.channel'],
    ['metadata', ''],
  ];
  const candidate = (
    id: string,
    ids: { customerId?: string; anonymousId?: string },
    mapped: MappedTrack,
  ): Candidate => ({
    touchpoint: {
      eventId: id,
      type: mapped.type,
      ...ids,
      channel: channelFor(type, call, context, mapped.channel),
      ...base,
      data: mapped.data,
    },
    trace: [...baseTrace, ...mapped.trace],
  });
  const ids = {
    ...(userId === undefined ? {} : { customerId: userId }),
    ...(anonymousId === undefined ? {} : { anonymousId }),
  };

  switch (type) {
    case 'track': {
      const event = call.event;
      if (typeof event !== 'string' || event.trim() === '') {
        report('event', 'event is required: the name of the action, e.g. "Order Completed"');
        return [];
      }
      const withContext = { ...call, context };
      return [candidate(eventId, ids, mapTrack(request.mapping, event, withContext, properties))];
    }
    case 'identify': {
      const candidates: Candidate[] = [];
      const attributes = profileAttributes(properties);
      if (attributes.attributes !== undefined) {
        candidates.push(
          candidate(eventId, ids, {
            type: 'profile.updated',
            data: { attributes: attributes.attributes },
            trace: attributes.trace,
          }),
        );
      }
      // The profile names the pair; only identity.linked makes the visitor's history the customer's.
      if (userId !== undefined && anonymousId !== undefined) {
        candidates.push(
          candidate(linkedEventId(eventId), ids, {
            type: 'identity.linked',
            data: { anonymousId },
            trace: [['data.anonymousId', 'anonymousId']],
          }),
        );
      }
      return candidates;
    }
    case 'alias': {
      const previousId = idValue(call.previousId);
      if (userId === undefined)
        report('userId', 'alias needs the userId the customer is known by now');
      if (previousId === undefined) report('previousId', 'alias needs the previousId to link');
      if (userId === undefined || previousId === undefined) return [];
      // Segment's previousId is an anonymous id or an earlier user id; the call's anonymousId tells.
      const field = previousId === anonymousId ? 'anonymousId' : 'previousId';
      return [
        candidate(eventId, ids, {
          type: 'identity.linked',
          data: { [field]: previousId },
          trace: [[`data.${field}`, 'previousId']],
        }),
      ];
    }
    case 'page':
      return [candidate(eventId, ids, mapPage(call, context, properties))];
    case 'screen':
      return [candidate(eventId, ids, mapScreen(call, properties))];
    case 'group': {
      const groupId = idValue(call.groupId);
      if (groupId === undefined) {
        report('groupId', 'group needs a groupId');
        return [];
      }
      // No catalogue type for accounts yet: kept as custom, so nothing acknowledged is lost.
      const attributes: Record<string, unknown> = { groupId };
      if (Object.keys(properties).length > 0) attributes.traits = properties;
      return [
        candidate(eventId, ids, {
          type: 'custom',
          data: { name: 'Group', attributes },
          trace: [
            ['data.attributes.groupId', 'groupId'],
            ['data.attributes.traits', 'traits'],
          ],
        }),
      ];
    }
  }
}

const PAGE_FIELDS = new Set(['url', 'title', 'referrer', 'category', 'name']);

/** A page view: browse with the page's URL; by name as `screen` when no URL is known. */
function mapPage(
  call: Readonly<Record<string, unknown>>,
  context: Readonly<Record<string, unknown>>,
  properties: Readonly<Record<string, unknown>>,
): MappedTrack {
  const data: Record<string, unknown> = {};
  const trace: [string, string][] = [];
  const take = (field: string, paths: string[]) => {
    for (const path of paths) {
      const value = valueAt(
        path.startsWith('context.') ? { context } : { call, properties },
        path.split('.'),
      );
      if (hasValue(value)) {
        data[field] = value;
        trace.push([`data.${field}`, path.replace(/^call\./, '')]);
        return;
      }
    }
  };
  take('url', ['properties.url', 'context.page.url']);
  take('title', ['properties.title', 'context.page.title']);
  take('referrer', ['properties.referrer', 'context.page.referrer']);
  take('pageType', ['call.category', 'properties.category']);
  const name = hasValue(call.name) ? call.name : properties.name;
  if (data.url === undefined) {
    if (!hasValue(name)) return asCustom('Page Viewed', properties, new Set(), 'type');
    data.screen = name;
    trace.push(['data.screen', hasValue(call.name) ? 'name' : 'properties.name']);
  }
  const rest = restOf(properties, PAGE_FIELDS);
  const attributes = data.screen === undefined && hasValue(name) ? { ...rest, name } : rest;
  if (attributes !== undefined && Object.keys(attributes).length > 0) {
    data.attributes = attributes;
    trace.push(['data.attributes', 'properties']);
  }
  return { type: 'browse', data, trace };
}

/** An app screen view: browse by the screen's name. */
function mapScreen(
  call: Readonly<Record<string, unknown>>,
  properties: Readonly<Record<string, unknown>>,
): MappedTrack {
  const fromCall = hasValue(call.name);
  const name = fromCall ? call.name : properties.name;
  if (!hasValue(name)) return asCustom('Screen Viewed', properties, new Set(), 'type');
  const data: Record<string, unknown> = { screen: name };
  const trace: [string, string][] = [['data.screen', fromCall ? 'name' : 'properties.name']];
  const category = hasValue(call.category) ? call.category : properties.category;
  if (hasValue(category)) {
    data.pageType = category;
    trace.push(['data.pageType', 'category']);
  }
  const rest = restOf(properties, new Set(['name', 'category']));
  if (rest !== undefined) {
    data.attributes = rest;
    trace.push(['data.attributes', 'properties']);
  }
  return { type: 'browse', data, trace };
}

/** Segment's reserved traits under the names the catalogue checks; the first key found wins. */
const PROFILE_TRAITS: readonly (readonly [target: string, sources: readonly string[]])[] = [
  ['email', ['email']],
  ['name', ['name']],
  ['firstName', ['firstName', 'first_name']],
  ['lastName', ['lastName', 'last_name']],
  ['phone', ['phone']],
  ['birthDate', ['birthday', 'birthDate']],
  ['address', ['address']],
];
const ADDRESS_KEYS: Readonly<Record<string, string>> = {
  street: 'line1',
  state: 'region',
  postal_code: 'postalCode',
  zip: 'postalCode',
};

/**
 * Traits as profile attributes: the reserved ones renamed and shaped for the catalogue (birthday
 * → birthDate as YYYY-MM-DD, address.street → line1, state → region), "" read as null (cleared);
 * every other trait kept under its own name as a free-form attribute.
 */
function profileAttributes(traits: Readonly<Record<string, unknown>>): {
  attributes?: Record<string, unknown>;
  trace: [string, string][];
} {
  const entries: [string, unknown][] = [];
  const trace: [string, string][] = [['data.attributes', 'traits']];
  const used = new Set<string>();
  for (const [target, sources] of PROFILE_TRAITS) {
    for (const source of sources) used.add(source);
    const source = sources.find(
      (key) => Object.prototype.hasOwnProperty.call(traits, key) && traits[key] !== undefined,
    );
    if (source === undefined) continue;
    let value = traits[source] === '' ? null : traits[source];
    if (target === 'birthDate') value = coerce(value, 'date');
    if (target === 'address' && isObject(value)) value = addressOf(value);
    entries.push([target, value]);
    trace.push([`data.attributes.${target}`, `traits.${source}`]);
  }
  for (const [key, value] of Object.entries(traits)) {
    if (!used.has(key) && value !== undefined) entries.push([key, value]);
  }
  return entries.length === 0 ? { trace } : { attributes: Object.fromEntries(entries), trace };
}

function addressOf(address: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(address)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => {
        const target = ADDRESS_KEYS[key] ?? key;
        const shaped =
          value === ''
            ? null
            : target === 'country' && typeof value === 'string' && value.length === 2
              ? value.toUpperCase()
              : value;
        return [target, shaped];
      }),
  );
}

// --- helpers --------------------------------------------------------------------------------

/** userId / anonymousId: strings, or numbers as SDKs in typed languages send them. */
function idValue(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function partyId(
  call: Readonly<Record<string, unknown>>,
  field: string,
  fail: Report,
): string | undefined {
  const value = call[field];
  if (value === undefined || value === null || value === '') return undefined;
  const id = idValue(value);
  if (id === undefined) fail(field, `${field} must be a string`);
  return id;
}

function objectAt(
  call: Readonly<Record<string, unknown>>,
  field: string,
  fail: Report,
): Record<string, unknown> {
  const value = call[field];
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    fail(field, `${field} must be an object`);
    return {};
  }
  return value;
}

function timeAt(
  call: Readonly<Record<string, unknown>>,
  field: string,
  fail: Report,
): number | undefined {
  return timeOf(call[field], field, fail);
}

function timeOf(value: unknown, field: string, fail: Report): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = parseSegmentTime(value);
  if (ms === 'invalid') {
    fail(
      field,
      `${field} must be an ISO 8601 date-time with a time zone, e.g. 2026-03-14T14:09:26.535Z`,
    );
    return undefined;
  }
  return ms;
}

/** Where a touchpoint path came from in the call: the longest traced prefix, plus the rest. */
export function tracedPath(path: string, trace: readonly (readonly [string, string])[]): string {
  let best: readonly [string, string] | undefined;
  for (const entry of trace) {
    const [prefix] = entry;
    const matches =
      path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
    if (matches && (best === undefined || prefix.length > best[0].length)) best = entry;
  }
  if (best === undefined) return '';
  const rest = path.slice(best[0].length);
  if (best[1] === '') return rest.startsWith('.') ? rest.slice(1) : rest;
  return best[1] + rest;
}

function joinPath(prefix: string, path: string): string {
  if (path === '') return prefix;
  if (prefix === '') return path;
  return path.startsWith('[') ? prefix + path : `${prefix}.${path}`;
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

function tooLarge(what: string, bytes: number, limit: number, human: string): string {
  return `${what} is ${bytes.toLocaleString('en')} bytes as JSON; at most ${limit.toLocaleString('en')} (${human}) are accepted`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** At most MAX_REPORTED_ERRORS problems, then a line saying how many more there were. */
class IssueList {
  private readonly issues: ValidationIssue[] = [];
  private omitted = 0;

  get size(): number {
    return this.issues.length + this.omitted;
  }

  add(path: string, message: string): void {
    if (this.issues.length < MAX_REPORTED_ERRORS) this.issues.push({ path, message });
    else this.omitted++;
  }

  result(): { ok: false; errors: ValidationIssue[] } {
    const errors = [...this.issues];
    if (this.omitted > 0)
      errors.push({ path: '', message: `at least ${this.omitted} more errors not listed` });
    return { ok: false, errors };
  }
}
