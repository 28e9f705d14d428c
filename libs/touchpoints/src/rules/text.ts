/**
 * PostgreSQL's jsonb (where events are stored) rejects U+0000 and unpaired UTF-16 surrogates, so a
 * string holding one would pass validation and then fail the append. They are refused up front.
 */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableString(value: string): boolean {
  return !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);
}

export const UNSTORABLE_STRING_MESSAGE =
  'must not contain U+0000 or unpaired UTF-16 surrogates (they cannot be stored)';

/**
 * An object literal or JSON.parse result, from any realm (a test runner's vm context, a worker's
 * structured clone): its prototype is null or some realm's Object.prototype. Class instances,
 * Dates, Maps and arrays are not.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: object | null = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}
