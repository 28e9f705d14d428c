import {
  segmentEventKey,
  type SegmentCoercion,
  type SegmentEventRule,
  type SegmentMappingConfig,
  type SegmentValueSource,
} from '@touchline/config';
import {
  CHANNELS,
  isTouchpointType,
  LineItem,
  TOUCHPOINT_CATALOGUE,
  type Channel,
  type TouchpointType,
} from '@touchline/touchpoints';
import { getMetadataStorage } from 'class-validator';

/**
 * How Segment `track` events become touchpoints: the built-in rules for Segment's e-commerce and
 * email specs, plus those of TOUCHLINE_SEGMENT_MAPPING_FILE, compiled once at start. Pure: no I/O.
 */

/** Where a mapped value was read, so that catalogue errors can point at the Segment field. */
export interface Found {
  value: unknown;
  path: string;
}

type Source = (from: Readonly<Record<string, unknown>>) => Found | undefined;

export interface TrackRule {
  /** The event name as written in the rule. */
  readonly event: string;
  readonly type: TouchpointType;
  readonly fields: readonly (readonly [field: string, source: Source])[];
  /** Each group needs one field with a value, else the call falls back to `custom`. */
  readonly requires: readonly (readonly string[])[];
  readonly channel?: Channel;
  readonly attributes: 'rest' | 'none';
  /** Properties never copied to data.attributes (besides those a field took its value from). */
  readonly omit: ReadonlySet<string>;
  readonly origin: 'built-in' | 'file';
}

export interface MappedTrack {
  type: TouchpointType;
  data: Record<string, unknown>;
  channel?: Channel;
  /** data path → call path, e.g. ['data.amount', 'properties.total']. */
  trace: [string, string][];
}

export class SegmentMappingError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid Segment mapping (TOUCHLINE_SEGMENT_MAPPING_FILE):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'SegmentMappingError';
  }
}

const ORDER_ID: SegmentValueSource = [
  { path: 'properties.order_id', as: 'string' },
  { path: 'properties.orderId', as: 'string' },
];
/** What the customer paid: Segment's `total`, else `revenue`, else `value`, else Σ products. */
const ORDER_AMOUNT: SegmentValueSource = [
  { path: 'properties.total', as: 'amount' },
  { path: 'properties.revenue', as: 'amount' },
  { path: 'properties.value', as: 'amount' },
  { sum: 'properties.products', price: 'price', quantity: 'quantity' },
];
/** Segment's spec: "if this is not set, we assume the revenue to be in US dollars". */
const CURRENCY: SegmentValueSource = [
  { path: 'properties.currency', as: 'upper' },
  { value: 'USD' },
];
const PRODUCTS_AS_ITEMS: SegmentValueSource = {
  each: 'properties.products',
  item: {
    sku: [
      { path: 'sku', as: 'string' },
      { path: 'product_id', as: 'string' },
      { path: 'id', as: 'string' },
    ],
    name: 'name',
    category: 'category',
    quantity: [{ path: 'quantity', as: 'number' }, { value: 1 }],
    price: { path: 'price', as: 'amount' },
  },
};
const PAGE_URL: SegmentValueSource = ['properties.url', 'context.page.url'];
const PAGE_TITLE: SegmentValueSource = 'context.page.title';
const PAGE_REFERRER: SegmentValueSource = 'context.page.referrer';

function browseRule(pageType: string, extra: Record<string, SegmentValueSource> = {}) {
  return {
    type: 'browse',
    data: {
      url: PAGE_URL,
      title: PAGE_TITLE,
      referrer: PAGE_REFERRER,
      pageType: { value: pageType },
      ...extra,
    },
    // A browse needs a url (or an app screen name, which track calls do not carry).
    requires: ['url'],
  } satisfies SegmentEventRule;
}

function campaignRule(
  response: string,
  campaignId: SegmentValueSource,
  variant?: SegmentValueSource,
  channel?: string,
) {
  return {
    type: 'campaign.response',
    data: {
      campaignId,
      response: { value: response },
      ...(variant === undefined ? {} : { variant }),
    },
    requires: ['campaignId'],
    ...(channel === undefined ? {} : { channel }),
  } satisfies SegmentEventRule;
}

const EMAIL_CAMPAIGN: SegmentValueSource = { path: 'properties.campaign_id', as: 'string' };
const PROMOTION: SegmentValueSource = [
  { path: 'properties.promotion_id', as: 'string' },
  { path: 'properties.id', as: 'string' },
];

/**
 * The built-in rules (docs/api.md has them as a table). Segment e-commerce v2 and email spec
 * names with a catalogue type that fits; every other name, e.g. Product Added or Coupon Applied,
 * has no touchline type yet and is recorded as `custom` with its name and properties.
 */
export const BUILT_IN_TRACK_RULES: Readonly<Record<string, SegmentEventRule>> = Object.freeze({
  'Order Completed': {
    type: 'purchase',
    data: { orderId: ORDER_ID, amount: ORDER_AMOUNT, currency: CURRENCY, items: PRODUCTS_AS_ITEMS },
    requires: ['orderId', 'amount'],
  },
  'Order Refunded': {
    type: 'refund',
    data: {
      orderId: ORDER_ID,
      amount: ORDER_AMOUNT,
      currency: CURRENCY,
      items: PRODUCTS_AS_ITEMS,
      reason: 'properties.reason',
    },
    requires: ['orderId', 'amount'],
  },
  'Product Viewed': browseRule('product', {
    productSku: [
      { path: 'properties.sku', as: 'string' },
      { path: 'properties.product_id', as: 'string' },
    ],
  }),
  'Product List Viewed': { ...browseRule('category'), omit: ['products'] },
  'Products Searched': browseRule('search'),
  'Cart Viewed': { ...browseRule('cart'), omit: ['products'] },
  'Checkout Started': { ...browseRule('checkout'), omit: ['products'] },
  'Checkout Step Viewed': browseRule('checkout'),
  // An impression of an internal promotion counts as delivered, a click as clicked.
  'Promotion Viewed': campaignRule('delivered', PROMOTION, 'properties.creative'),
  'Promotion Clicked': campaignRule('clicked', PROMOTION, 'properties.creative'),
  'Email Delivered': campaignRule('delivered', EMAIL_CAMPAIGN, undefined, 'email'),
  'Email Opened': campaignRule('opened', EMAIL_CAMPAIGN, undefined, 'email'),
  'Email Link Clicked': campaignRule('clicked', EMAIL_CAMPAIGN, undefined, 'email'),
  'Email Bounced': campaignRule('bounced', EMAIL_CAMPAIGN, undefined, 'email'),
  Unsubscribed: campaignRule('unsubscribed', EMAIL_CAMPAIGN, undefined, 'email'),
});

/** The compiled rules: built-in ones (unless the file turns them off) and the file's, which win. */
export class SegmentMapping {
  private constructor(private readonly rules: ReadonlyMap<string, TrackRule>) {}

  /** Throws SegmentMappingError listing every rule that does not fit the catalogue. */
  static compile(config?: SegmentMappingConfig): SegmentMapping {
    const problems: string[] = [];
    const rules = new Map<string, TrackRule>();
    if (config?.defaults !== false) {
      for (const [event, rule] of Object.entries(BUILT_IN_TRACK_RULES)) {
        const compiled = compileRule(event, rule, 'built-in', (p) =>
          problems.push(`built-in rule ${p}`),
        );
        if (compiled) rules.set(segmentEventKey(event), compiled);
      }
    }
    for (const [event, rule] of Object.entries(config?.events ?? {})) {
      const compiled = compileRule(event, rule, 'file', (p) =>
        problems.push(`${config!.file}: ${p}`),
      );
      if (compiled) rules.set(segmentEventKey(event), compiled);
    }
    if (problems.length > 0) throw new SegmentMappingError(problems);
    return new SegmentMapping(rules);
  }

  ruleFor(event: string): TrackRule | undefined {
    return this.rules.get(segmentEventKey(event));
  }

  /** Every rule, for documentation and tests. */
  list(): TrackRule[] {
    return [...this.rules.values()];
  }
}

/**
 * A track call as a touchpoint type and data: by its rule, or `custom` when there is none or
 * the rule's required fields got no value. `properties` is the call's (an object, maybe empty).
 */
export function mapTrack(
  mapping: SegmentMapping,
  event: string,
  call: Readonly<Record<string, unknown>>,
  properties: Readonly<Record<string, unknown>>,
): MappedTrack {
  const rule = mapping.ruleFor(event);
  if (rule === undefined) return asCustom(event, properties, new Set());
  const data: Record<string, unknown> = {};
  const trace: [string, string][] = [];
  // Only properties a value was taken from: a fallback not needed stays in the attributes.
  const used = new Set(rule.omit);
  for (const [field, source] of rule.fields) {
    const found = source(call);
    if (found === undefined) continue;
    data[field] = found.value;
    trace.push([`data.${field}`, found.path]);
    const [root, name] = found.path.split('.');
    if (root === 'properties' && name !== undefined) used.add(name);
  }
  const unmet = rule.requires.some(
    (group) => !group.some((field) => Object.prototype.hasOwnProperty.call(data, field)),
  );
  if (unmet) return { ...asCustom(event, properties, new Set()), ...channelOf(rule) };
  if (rule.type === 'custom' && data.name === undefined) {
    data.name = event;
    trace.push(['data.name', 'event']);
  }
  if (rule.attributes === 'rest' && data.attributes === undefined) {
    const rest = restOf(properties, used);
    if (rest !== undefined) {
      data.attributes = rest;
      trace.push(['data.attributes', 'properties']);
    }
  }
  return { type: rule.type, data, trace, ...channelOf(rule) };
}

function channelOf(rule: TrackRule): { channel?: Channel } {
  return rule.channel === undefined ? {} : { channel: rule.channel };
}

/** `custom` named after the event, with the properties (but `except`) as attributes. */
export function asCustom(
  name: string,
  properties: Readonly<Record<string, unknown>>,
  except: ReadonlySet<string>,
  namePath = 'event',
): MappedTrack {
  const data: Record<string, unknown> = { name };
  const trace: [string, string][] = [['data.name', namePath]];
  const rest = restOf(properties, except);
  if (rest !== undefined) {
    data.attributes = rest;
    trace.push(['data.attributes', 'properties']);
  }
  return { type: 'custom', data, trace };
}

/**
 * The properties but `except`, or undefined when none is left. Built with Object.fromEntries,
 * which defines keys such as "__proto__" as plain members (the catalogue then refuses them)
 * instead of setting the object's prototype.
 */
export function restOf(
  properties: Readonly<Record<string, unknown>>,
  except: ReadonlySet<string>,
): Record<string, unknown> | undefined {
  const entries = Object.entries(properties).filter(
    ([key, value]) => value !== undefined && !except.has(key),
  );
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

// --- reading values ------------------------------------------------------------------------

/** A value at a dot path, reading own members only (a "__proto__" segment finds nothing). */
export function valueAt(from: unknown, segments: readonly string[]): unknown {
  let value = from;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null) return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** null, "" and undefined are no value: SDKs send them for "not known". */
export function hasValue(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

const NUMERIC = /^-?\d+(\.\d+)?$/;
const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}/;

/** Adjusts a value; one that does not fit is returned as it is, for the catalogue to refuse. */
export function coerce(value: unknown, as: SegmentCoercion | undefined): unknown {
  switch (as) {
    case undefined:
      return value;
    case 'string':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
    case 'number':
      return typeof value === 'string' && NUMERIC.test(value) ? Number(value) : value;
    case 'amount': {
      const number = coerce(value, 'number');
      // Money computed in floating point (19.990000000000002) is what SDK users send.
      return typeof number === 'number' && Number.isFinite(number)
        ? Number(number.toFixed(4))
        : number;
    }
    case 'upper':
      return typeof value === 'string' ? value.toUpperCase() : value;
    case 'lower':
      return typeof value === 'string' ? value.toLowerCase() : value;
    case 'date':
      return typeof value === 'string' && DATE_PREFIX.test(value) ? value.slice(0, 10) : value;
  }
}

function compileSource(source: SegmentValueSource): Source {
  if (typeof source === 'string') return compilePath(source, undefined);
  if (Array.isArray(source)) {
    const alternatives = source.map(compileSource);
    return (from) => {
      for (const alternative of alternatives) {
        const found = alternative(from);
        if (found !== undefined) return found;
      }
      return undefined;
    };
  }
  if ('path' in source) return compilePath(source.path, source.as);
  if ('value' in source) {
    const found = { value: source.value, path: '' };
    return () => found;
  }
  if ('each' in source) return compileEach(source.each, source.item);
  return compileSum(source.sum, source.price, source.quantity);
}

function compilePath(path: string, as: SegmentCoercion | undefined): Source {
  const segments = path.split('.');
  return (from) => {
    const value = coerce(valueAt(from, segments), as);
    return hasValue(value) ? { value, path } : undefined;
  };
}

function compileEach(path: string, item: Record<string, SegmentValueSource>): Source {
  const segments = path.split('.');
  const fields = Object.entries(item).map(
    ([field, source]) => [field, compileSource(source)] as const,
  );
  return (from) => {
    const list = valueAt(from, segments);
    if (!hasValue(list)) return undefined;
    // Not a list: passed on for the catalogue to refuse, with this path.
    if (!Array.isArray(list)) return { value: list, path };
    if (list.length === 0) return undefined;
    const value = list.map((element: unknown) => {
      if (typeof element !== 'object' || element === null || Array.isArray(element)) return element;
      const mapped: Record<string, unknown> = {};
      for (const [field, source] of fields) {
        const found = source(element as Record<string, unknown>);
        if (found !== undefined) mapped[field] = found.value;
      }
      return mapped;
    });
    return { value, path };
  };
}

function compileSum(path: string, pricePath: string, quantityPath: string | undefined): Source {
  const segments = path.split('.');
  const price = pricePath.split('.');
  const quantity = quantityPath?.split('.');
  return (from) => {
    const list = valueAt(from, segments);
    if (!Array.isArray(list) || list.length === 0) return undefined;
    let total = 0;
    for (const element of list) {
      const p = coerce(valueAt(element, price), 'number');
      const rawQuantity = quantity === undefined ? undefined : valueAt(element, quantity);
      const q = hasValue(rawQuantity) ? coerce(rawQuantity, 'number') : 1;
      // One line without a usable price or quantity: the sum would be a guess.
      if (typeof p !== 'number' || typeof q !== 'number' || !Number.isFinite(p * q))
        return undefined;
      total += p * q;
    }
    return { value: Number(total.toFixed(4)), path };
  };
}

// --- compiling against the catalogue --------------------------------------------------------

const fieldsOfClass = new Map<object, ReadonlySet<string>>();

/** The properties a schema class declares, from class-validator's metadata (the catalogue's source). */
function fieldsOf(schema: new () => object): ReadonlySet<string> {
  let fields = fieldsOfClass.get(schema);
  if (fields === undefined) {
    fields = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(schema, '', true, false)
        .map((m) => m.propertyName),
    );
    fieldsOfClass.set(schema, fields);
  }
  return fields;
}

/** Fields that hold a list of objects, and the class of those objects. */
const LIST_FIELDS: Readonly<Record<string, new () => object>> = { items: LineItem };

function compileRule(
  event: string,
  rule: SegmentEventRule,
  origin: TrackRule['origin'],
  problem: (message: string) => void,
): TrackRule | undefined {
  const where = `events[${JSON.stringify(event)}]`;
  const failures = { count: 0 };
  const fail = (path: string, message: string) => {
    failures.count++;
    problem(`${where}${path}: ${message}`);
  };
  if (!isTouchpointType(rule.type) || !TOUCHPOINT_CATALOGUE[rule.type].acceptedFromProducers) {
    fail(
      '.type',
      `"${rule.type}" is not a touchpoint type (${Object.keys(TOUCHPOINT_CATALOGUE).filter(isTouchpointType).join(', ')})`,
    );
    return undefined;
  }
  const type = rule.type;
  const allowed = fieldsOf(TOUCHPOINT_CATALOGUE[type].dataSchema);
  const data = rule.data ?? {};
  for (const [field, source] of Object.entries(data)) {
    if (!allowed.has(field)) {
      fail(`.data.${field}`, `${type} has no field ${field} (it has ${[...allowed].join(', ')})`);
      continue;
    }
    checkLists(source, field, `.data.${field}`, fail);
  }
  if (rule.channel !== undefined && !(CHANNELS as readonly string[]).includes(rule.channel))
    fail('.channel', `"${rule.channel}" is not a channel (${CHANNELS.join(', ')})`);
  if (failures.count > 0) return undefined;
  return {
    event,
    type,
    fields: Object.entries(data).map(([field, source]) => [field, compileSource(source)] as const),
    requires: (rule.requires ?? []).map((group) => (typeof group === 'string' ? [group] : group)),
    ...(rule.channel === undefined ? {} : { channel: rule.channel as Channel }),
    attributes: rule.attributes ?? 'rest',
    omit: new Set(rule.omit ?? []),
    origin,
  };
}

/** `each` fits only list fields, and its item fields must be those of the list's class. */
function checkLists(
  source: SegmentValueSource,
  field: string,
  path: string,
  fail: (path: string, message: string) => void,
): void {
  if (Array.isArray(source)) {
    source.forEach((s, i) => checkLists(s, field, `${path}[${i}]`, fail));
    return;
  }
  if (typeof source !== 'object' || !('each' in source)) return;
  const itemClass = LIST_FIELDS[field];
  if (itemClass === undefined) {
    fail(
      path,
      `each builds a list, and ${field} is not one (lists: ${Object.keys(LIST_FIELDS).join(', ')})`,
    );
    return;
  }
  const itemFields = fieldsOf(itemClass);
  for (const itemField of Object.keys(source.item)) {
    if (!itemFields.has(itemField))
      fail(
        `${path}.item.${itemField}`,
        `an item has no field ${itemField} (it has ${[...itemFields].join(', ')})`,
      );
  }
}
