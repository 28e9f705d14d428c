import * as classValidator from 'class-validator';
import type { IsNumberOptions } from 'class-validator';
import { ownConstraintTest, type ConstraintTest } from '../schema/field-decorators';

// Bound once: class-validator's index re-exports through getters, which cost a call per use.
const {
  arrayMaxSize,
  arrayMinSize,
  isArray,
  isBoolean,
  isDefined,
  isInt,
  isISO4217CurrencyCode,
  isNumber,
  isObject,
  isPositive,
  isString,
  isURL,
  isUUID,
  matches,
  max,
  min,
} = classValidator;
const matchesAny = matches as (
  value: string,
  pattern: RegExp | string,
  modifiers?: string,
) => boolean;

type Factory = (constraints: readonly unknown[]) => ConstraintTest;

/**
 * class-validator's own check functions for its built-in constraints, keyed by constraint name and
 * bound to the decorator's constraints. Calling them directly skips the per-call wrapper classes
 * and argument objects of class-validator's executor, the bulk of its cost; the functions are the
 * same, so the answers are too. Constraints not listed run through their class-validator instance.
 */
const BUILT_IN: Readonly<Record<string, Factory>> = {
  isDefined: () => (v) => isDefined(v),
  isString: () => (v) => isString(v),
  isBoolean: () => (v) => isBoolean(v),
  isInt: () => (v) => isInt(v),
  isNumber:
    ([options]) =>
    (v) =>
      isNumber(v, options as IsNumberOptions),
  isObject: () => (v) => isObject(v),
  isArray: () => (v) => isArray(v),
  min:
    ([bound]) =>
    (v) =>
      min(v, bound as number),
  max:
    ([bound]) =>
    (v) =>
      max(v, bound as number),
  isPositive: () => (v) => isPositive(v),
  arrayMinSize:
    ([size]) =>
    (v) =>
      arrayMinSize(v, size as number),
  arrayMaxSize:
    ([size]) =>
    (v) =>
      arrayMaxSize(v, size as number),
  isIn: ([values]) => {
    // isIn compares with ===; for the string enums used here a Set answers the same, faster.
    const allowed = new Set(values as unknown[]);
    return (v) => allowed.has(v);
  },
  matches:
    ([pattern, modifiers]) =>
    (v) =>
      matchesAny(v as string, pattern as RegExp | string, modifiers as string),
  isUuid:
    ([version]) =>
    (v) =>
      isUUID(v, version as Parameters<typeof isUUID>[1]),
  isISO4217CurrencyCode: () => (v) => isISO4217CurrencyCode(v),
  isUrl:
    ([options]) =>
    (v) =>
      isURL(v as string, options as Parameters<typeof isURL>[1]),
};

export function directTest(
  name: string,
  constraints: readonly unknown[],
): ConstraintTest | undefined {
  const factory =
    (Object.prototype.hasOwnProperty.call(BUILT_IN, name) ? BUILT_IN[name] : undefined) ??
    ownConstraintTest(name);
  return factory?.(constraints);
}
