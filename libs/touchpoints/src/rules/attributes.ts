import { isISO31661Alpha2, isEmail } from 'class-validator';
import { calendarDateProblem } from './timestamp';
import { hasOwn, isPlainObject, isStorableString, UNSTORABLE_STRING_MESSAGE } from './text';
import { indexPath, memberPath, type ValidationIssue } from './paths';

/**
 * `data.attributes` is the only place for free-form extras. Limits keep one producer from turning
 * events into document storage and bound the work of validating, hashing and encrypting them.
 */
export const ATTRIBUTES_MAX_BYTES = 8192;
/** The attributes object is level 1; an object or array in it level 2; one more level at most. */
export const ATTRIBUTES_MAX_DEPTH = 3;
export const ATTRIBUTE_KEY_MAX_LENGTH = 128;

/**
 * Keys that turn naive merges (Object.assign, lodash.merge, spread into a target) downstream into
 * prototype pollution. Nothing legitimate needs them.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

interface Walk {
  bytes: number;
  issues: ValidationIssue[];
}

/**
 * Problems of a free-form attributes object, with paths relative to it ('' is the object itself,
 * `.key`, `["odd key"]`, `.list[2]`). Stops early once the size limit is passed, so a huge value
 * costs no more than the limit.
 */
export function attributesProblems(value: unknown): ValidationIssue[] {
  if (!isPlainObject(value)) return [{ path: '', message: 'must be a JSON object' }];
  const walk: Walk = { bytes: 0, issues: [] };
  visit(value, '', 1, walk);
  if (walk.bytes > ATTRIBUTES_MAX_BYTES) {
    walk.issues.push({
      path: '',
      message: `must serialize to at most ${ATTRIBUTES_MAX_BYTES} bytes of JSON`,
    });
  }
  return walk.issues;
}

/** Returns false when the size limit is passed (stop walking). */
function visit(value: unknown, path: string, depth: number, walk: Walk): boolean {
  if (value === null) return add(walk, 4);
  switch (typeof value) {
    case 'string':
      if (value.length > ATTRIBUTES_MAX_BYTES) return add(walk, value.length);
      if (!isStorableString(value)) walk.issues.push({ path, message: UNSTORABLE_STRING_MESSAGE });
      return add(walk, Buffer.byteLength(JSON.stringify(value), 'utf8'));
    case 'number':
      if (!Number.isFinite(value)) {
        walk.issues.push({ path, message: 'must be a finite number' });
        return true;
      }
      return add(walk, String(value).length);
    case 'boolean':
      return add(walk, value ? 4 : 5);
    case 'object':
      break;
    default:
      walk.issues.push({
        path,
        message: 'must be a JSON value (string, number, boolean, null, array or object)',
      });
      return true;
  }
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) {
    walk.issues.push({
      path,
      message: 'must be a JSON value (string, number, boolean, null, array or object)',
    });
    return true;
  }
  if (depth > ATTRIBUTES_MAX_DEPTH) {
    walk.issues.push({
      path,
      message: `nests deeper than ${ATTRIBUTES_MAX_DEPTH} levels of attributes`,
    });
    return true;
  }
  if (isArray) {
    const array = value as unknown[];
    if (!add(walk, 2 + Math.max(0, array.length - 1))) return false;
    for (let i = 0; i < array.length; i++) {
      const item = array[i];
      if (item === undefined) {
        walk.issues.push({
          path: indexPath(path, i),
          message: 'must be a JSON value (string, number, boolean, null, array or object)',
        });
        continue;
      }
      if (!visit(item, indexPath(path, i), depth + 1, walk)) return false;
    }
    return true;
  }
  const object = value as Record<string, unknown>;
  if (!add(walk, 2)) return false;
  let members = 0;
  for (const key of Object.keys(object)) {
    const item = object[key];
    if (item === undefined) continue;
    const itemPath = memberPath(path, key);
    if (key.length > ATTRIBUTES_MAX_BYTES) return add(walk, key.length);
    if (key.length === 0 || key.length > ATTRIBUTE_KEY_MAX_LENGTH) {
      walk.issues.push({
        path: itemPath,
        message: `keys must have 1 to ${ATTRIBUTE_KEY_MAX_LENGTH} characters`,
      });
    } else if (FORBIDDEN_KEYS.has(key)) {
      walk.issues.push({ path: itemPath, message: `the key ${key} is not allowed` });
    } else if (!isStorableString(key)) {
      walk.issues.push({ path: itemPath, message: `keys ${UNSTORABLE_STRING_MESSAGE}` });
    }
    if (!add(walk, Buffer.byteLength(JSON.stringify(key), 'utf8') + 1 + (members > 0 ? 1 : 0)))
      return false;
    members++;
    if (!visit(item, itemPath, depth + 1, walk)) return false;
  }
  return true;
}

function add(walk: Walk, bytes: number): boolean {
  walk.bytes += bytes;
  return walk.bytes <= ATTRIBUTES_MAX_BYTES;
}

/**
 * A deep copy of attributes that passed attributesProblems (so it is small, plain and free of
 * forbidden keys). Members that are undefined are dropped, as JSON would drop them.
 */
export function cloneAttributes(value: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item !== undefined) copy[key] = cloneJson(item);
  }
  return copy;
}

function cloneJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  return cloneAttributes(value as Record<string, unknown>);
}

type AttributeRule = (value: unknown) => string | undefined;

const text =
  (max: number): AttributeRule =>
  (value) =>
    typeof value !== 'string' || value.length === 0 || value.length > max
      ? `must be a string of 1 to ${max} characters`
      : undefined;

const E164 = /^\+[1-9]\d{6,14}$/;
const LOCALE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/;
const TIME_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/;
const knownTimeZones = new Map<string, boolean>();

function isTimeZone(name: string): boolean {
  let known = knownTimeZones.get(name);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: name });
      known = true;
    } catch {
      known = false;
    }
    if (knownTimeZones.size < 1000) knownTimeZones.set(name, known);
  }
  return known;
}

const ADDRESS_FIELDS: Readonly<Record<string, AttributeRule>> = {
  line1: text(200),
  line2: text(200),
  city: text(200),
  postalCode: text(20),
  region: text(200),
  country: (v) =>
    isISO31661Alpha2(v) ? undefined : 'must be an ISO 3166-1 alpha-2 country code, e.g. DE',
};

/**
 * Profile attributes touchline understands. Each may also be null, which clears it. Any other key
 * is accepted as a free-form attribute within the attributes limits.
 */
export const PROFILE_ATTRIBUTE_RULES: Readonly<Record<string, AttributeRule>> = {
  name: text(200),
  firstName: text(200),
  lastName: text(200),
  email: (v) =>
    typeof v === 'string' && v.length <= 254 && isEmail(v) ? undefined : 'must be an email address',
  phone: (v) =>
    typeof v === 'string' && E164.test(v)
      ? undefined
      : 'must be a phone number in E.164 form, e.g. +4930123456',
  birthDate: calendarDateProblem,
  locale: (v) =>
    typeof v === 'string' && v.length <= 35 && LOCALE.test(v)
      ? undefined
      : 'must be a BCP 47 language tag, e.g. de-DE',
  timeZone: (v) =>
    typeof v === 'string' && v.length <= 64 && TIME_ZONE.test(v) && isTimeZone(v)
      ? undefined
      : 'must be an IANA time zone, e.g. Europe/Berlin',
  address: () => undefined, // checked field by field below
};

/** attributesProblems plus the rules of the known profile attributes. */
export function profileAttributesProblems(value: unknown): ValidationIssue[] {
  const issues = attributesProblems(value);
  if (!isPlainObject(value)) return issues;
  if (Object.keys(value).length === 0)
    issues.push({ path: '', message: 'must name at least one attribute' });
  for (const key of Object.keys(PROFILE_ATTRIBUTE_RULES)) {
    if (!hasOwn(value, key)) continue;
    const item = value[key];
    if (item === null || item === undefined) continue;
    const path = memberPath('', key);
    if (key === 'address') {
      issues.push(...addressProblems(item, path));
      continue;
    }
    const problem = PROFILE_ATTRIBUTE_RULES[key]!(item);
    if (problem !== undefined) issues.push({ path, message: `${key} ${problem}` });
  }
  return issues;
}

function addressProblems(value: unknown, path: string): ValidationIssue[] {
  if (!isPlainObject(value)) return [{ path, message: 'address must be an object' }];
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(value)) {
    const rule = hasOwn(ADDRESS_FIELDS, key) ? ADDRESS_FIELDS[key] : undefined;
    const itemPath = memberPath(path, key);
    if (rule === undefined) {
      issues.push({ path: itemPath, message: `property ${key} should not exist` });
      continue;
    }
    const item = value[key];
    if (item === null || item === undefined) continue;
    const problem = rule(item);
    if (problem !== undefined) issues.push({ path: itemPath, message: `${key} ${problem}` });
  }
  return issues;
}
