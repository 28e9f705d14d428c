import { readFileSync } from 'node:fs';

/**
 * The format of TOUCHLINE_SEGMENT_MAPPING_FILE: how Segment `track` events become touchpoints
 * (docs/api.md, "Segment-compatible API"). This file checks the format, with a JSON path for every
 * problem; what needs the event catalogue (type names, their fields) is checked by the ingest
 * library when it starts, because configuration must not depend on the catalogue.
 */

/** How a value is adjusted after it is read; a value that does not fit is passed on unchanged. */
export const SEGMENT_COERCIONS = ['string', 'number', 'amount', 'upper', 'lower', 'date'] as const;
export type SegmentCoercion = (typeof SEGMENT_COERCIONS)[number];

/**
 * Where a field's value comes from:
 * - `"properties.order_id"`: a path in the call (roots: properties, context, event); in an
 *   `each` item, a path in the item (`"sku"`);
 * - `{ "path": …, "as": coercion }`: the same, adjusted;
 * - `{ "value": … }`: a constant;
 * - `[source, …]`: the first source that yields a value;
 * - `{ "each": path, "item": { field: source } }`: a list, item by item;
 * - `{ "sum": path, "price": path, "quantity": path }`: Σ price × quantity over a list.
 * null, "" and a missing value count as no value.
 */
export type SegmentValueSource =
  | string
  | SegmentValueSource[]
  | { path: string; as?: SegmentCoercion }
  | { value: string | number | boolean }
  | { each: string; item: Record<string, SegmentValueSource> }
  | { sum: string; price: string; quantity?: string };

export interface SegmentEventRule {
  /** A touchpoint type, e.g. "purchase". */
  type: string;
  /** The type's data fields and where each comes from. */
  data?: Record<string, SegmentValueSource>;
  /** Fields that must get a value, else the call is recorded as `custom`; a list means any of. */
  requires?: (string | string[])[];
  /** A channel for every such event, unless the call sets context.channel. */
  channel?: string;
  /** "rest" (default): properties no field used go to data.attributes; "none": they are dropped. */
  attributes?: 'rest' | 'none';
  /** Properties never copied to data.attributes (e.g. a long products list). */
  omit?: string[];
}

export interface SegmentMappingConfig {
  /** The file it was read from, for messages. */
  file: string;
  /** false: only these rules; true (default): these on top of the built-in ones. */
  defaults: boolean;
  /** Event name → rule. Names match ignoring case and runs of white space. */
  events: Record<string, SegmentEventRule>;
}

export const SEGMENT_PATH_ROOTS = ['properties', 'context', 'event'] as const;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_PATH_SEGMENTS = 8;
const MAX_ALTERNATIVES = 10;
const MAX_EVENT_NAME = 200;
const RULE_KEYS = new Set(['type', 'data', 'requires', 'channel', 'attributes', 'omit']);
const VARIABLE = 'TOUCHLINE_SEGMENT_MAPPING_FILE';

/** The key events are matched by: Segment names vary in case and spacing between producers. */
export function segmentEventKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Reads and checks the mapping file. Problems are appended to `problems`, each naming the
 * variable, the file and the JSON path in it.
 */
export function parseSegmentMappingFile(
  file: string | undefined,
  problems: string[],
): SegmentMappingConfig | undefined {
  if (file === undefined) return undefined;
  const problem = (path: string, message: string) =>
    problems.push(`${VARIABLE} (${file}): ${path === '' ? '' : `${path}: `}${message}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(
      `${VARIABLE} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    problem('', `is not valid JSON: ${(error as Error).message}`);
    return undefined;
  }
  const before = problems.length;
  const config = checkFile(parsed, file, problem);
  return problems.length === before ? config : undefined;
}

type Report = (path: string, message: string) => void;

function checkFile(input: unknown, file: string, problem: Report): SegmentMappingConfig {
  const config: SegmentMappingConfig = { file, defaults: true, events: {} };
  if (!isObject(input)) {
    problem('', 'must be a JSON object: { "events": { "<event name>": { "type": … } } }');
    return config;
  }
  for (const key of Object.keys(input)) {
    if (key !== 'events' && key !== 'defaults')
      problem(key, 'unknown key (expected "events" and optionally "defaults")');
  }
  if (input.defaults !== undefined) {
    if (typeof input.defaults === 'boolean') config.defaults = input.defaults;
    else problem('defaults', 'must be true or false');
  }
  if (!isObject(input.events)) {
    problem('events', 'must be an object of event name → rule');
    return config;
  }
  const seen = new Map<string, string>();
  for (const [name, rule] of Object.entries(input.events)) {
    const path = `events[${JSON.stringify(name)}]`;
    const key = segmentEventKey(name);
    if (key === '' || name.length > MAX_EVENT_NAME) {
      problem(path, `an event name must have 1 to ${MAX_EVENT_NAME} characters`);
      continue;
    }
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problem(
        path,
        `names the same event as ${JSON.stringify(earlier)} (case and spacing ignored)`,
      );
      continue;
    }
    seen.set(key, name);
    if (checkRule(rule, path, problem)) config.events[name] = rule;
  }
  return config;
}

function checkRule(rule: unknown, path: string, problem: Report): rule is SegmentEventRule {
  if (!isObject(rule)) {
    problem(path, 'must be an object with at least a "type"');
    return false;
  }
  let ok = true;
  const fail = (where: string, message: string) => {
    ok = false;
    problem(where, message);
  };
  for (const key of Object.keys(rule)) {
    if (!RULE_KEYS.has(key))
      fail(`${path}.${key}`, `unknown key (expected ${[...RULE_KEYS].join(', ')})`);
  }
  if (typeof rule.type !== 'string' || rule.type === '')
    fail(`${path}.type`, 'is required: a touchpoint type such as "purchase"');
  const fields = new Set<string>();
  if (rule.data !== undefined) {
    if (!isObject(rule.data)) fail(`${path}.data`, 'must be an object of field → source');
    else {
      for (const [field, source] of Object.entries(rule.data)) {
        fields.add(field);
        checkSource(source, `${path}.data.${field}`, 'call', fail);
      }
    }
  }
  if (rule.requires !== undefined) {
    if (!Array.isArray(rule.requires)) fail(`${path}.requires`, 'must be an array of field names');
    else {
      rule.requires.forEach((group: unknown, i) => {
        const names = typeof group === 'string' ? [group] : group;
        if (!Array.isArray(names) || names.length === 0) {
          fail(`${path}.requires[${i}]`, 'must be a field name or a non-empty list of them');
          return;
        }
        for (const name of names) {
          if (typeof name !== 'string' || !fields.has(name))
            fail(`${path}.requires[${i}]`, `${JSON.stringify(name)} is not a field of "data"`);
        }
      });
    }
  }
  if (rule.channel !== undefined && (typeof rule.channel !== 'string' || rule.channel === ''))
    fail(`${path}.channel`, 'must be a channel name such as "email"');
  if (rule.attributes !== undefined && rule.attributes !== 'rest' && rule.attributes !== 'none')
    fail(`${path}.attributes`, 'must be "rest" or "none"');
  if (rule.omit !== undefined) {
    if (
      !Array.isArray(rule.omit) ||
      rule.omit.some((name: unknown) => typeof name !== 'string' || name === '')
    )
      fail(`${path}.omit`, 'must be an array of property names');
  }
  return ok;
}

/** `call`: paths start at a call root; `item`: paths are relative to a list item. */
type Scope = 'call' | 'item';

function checkSource(source: unknown, path: string, scope: Scope, fail: Report, depth = 0): void {
  if (typeof source === 'string') {
    checkPath(source, path, scope, fail);
    return;
  }
  if (Array.isArray(source)) {
    if (depth > 0) fail(path, 'a list of sources cannot hold another list');
    else if (source.length === 0 || source.length > MAX_ALTERNATIVES)
      fail(path, `a list of sources must hold 1 to ${MAX_ALTERNATIVES} sources`);
    else source.forEach((item, i) => checkSource(item, `${path}[${i}]`, scope, fail, depth + 1));
    return;
  }
  if (!isObject(source)) {
    fail(path, 'a source is a path, a list of sources, or an object with path, value, each or sum');
    return;
  }
  const keys = Object.keys(source);
  const allowed = (...names: string[]) => {
    for (const key of keys)
      if (!names.includes(key))
        fail(`${path}.${key}`, `unknown key here (expected ${names.join(', ')})`);
  };
  if ('path' in source) {
    allowed('path', 'as');
    if (typeof source.path !== 'string') fail(`${path}.path`, 'must be a path string');
    else checkPath(source.path, `${path}.path`, scope, fail);
    if (source.as !== undefined && !(SEGMENT_COERCIONS as readonly unknown[]).includes(source.as))
      fail(`${path}.as`, `must be one of ${SEGMENT_COERCIONS.join(', ')}`);
  } else if ('value' in source) {
    allowed('value');
    const value = source.value;
    if (
      !(typeof value === 'string' && value !== '') &&
      !(typeof value === 'number' && Number.isFinite(value)) &&
      typeof value !== 'boolean'
    )
      fail(`${path}.value`, 'must be a non-empty string, a number or a boolean');
  } else if ('each' in source) {
    allowed('each', 'item');
    if (scope === 'item') fail(path, 'a list inside a list item is not supported');
    if (typeof source.each !== 'string') fail(`${path}.each`, 'must be a path string');
    else checkPath(source.each, `${path}.each`, scope, fail);
    if (!isObject(source.item) || Object.keys(source.item).length === 0)
      fail(`${path}.item`, 'must be an object of item field → source (paths within the item)');
    else
      for (const [field, itemSource] of Object.entries(source.item))
        checkSource(itemSource, `${path}.item.${field}`, 'item', fail);
  } else if ('sum' in source) {
    allowed('sum', 'price', 'quantity');
    if (scope === 'item') fail(path, 'a sum inside a list item is not supported');
    if (typeof source.sum !== 'string') fail(`${path}.sum`, 'must be a path string');
    else checkPath(source.sum, `${path}.sum`, scope, fail);
    if (typeof source.price !== 'string') fail(`${path}.price`, 'must be a path within an item');
    else checkPath(source.price, `${path}.price`, 'item', fail);
    if (source.quantity !== undefined) {
      if (typeof source.quantity !== 'string')
        fail(`${path}.quantity`, 'must be a path within an item');
      else checkPath(source.quantity, `${path}.quantity`, 'item', fail);
    }
  } else {
    fail(path, 'a source object needs one of the keys path, value, each or sum');
  }
}

function checkPath(path: string, where: string, scope: Scope, fail: Report): void {
  const segments = path.split('.');
  if (segments.length > MAX_PATH_SEGMENTS || segments.some((s) => s === '' || s.length > 128)) {
    fail(
      where,
      `"${path.slice(0, 100)}" is not a path of 1 to ${MAX_PATH_SEGMENTS} dot-separated names`,
    );
    return;
  }
  if (segments.some((s) => FORBIDDEN_KEYS.has(s))) {
    fail(
      where,
      `"${path.slice(0, 100)}" uses a forbidden name (__proto__, constructor, prototype)`,
    );
    return;
  }
  if (scope === 'call' && !(SEGMENT_PATH_ROOTS as readonly string[]).includes(segments[0]!)) {
    fail(where, `"${path.slice(0, 100)}" must start with ${SEGMENT_PATH_ROOTS.join(', ')}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
