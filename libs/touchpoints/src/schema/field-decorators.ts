import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsNumber,
  IsObject,
  IsPositive,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  Min,
  Validate,
  ValidateBy,
  ValidateNested,
  ValidatorConstraint,
  buildMessage,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { attributesProblems, profileAttributesProblems } from '../rules/attributes';
import type { ValidationIssue } from '../rules/paths';
import { isStorableString, UNSTORABLE_STRING_MESSAGE } from '../rules/text';
import { parseTimestamp } from '../rules/timestamp';
import { declareNested, declarePersonal, type SchemaClass } from './schema-registry';

/**
 * The field vocabulary of the catalogue. Each is plain class-validator underneath, so the classes
 * work with class-validator, class-transformer and Nest's ValidationPipe as they are; the fast
 * validator (validation/compiled-schema.ts) runs the very same constraint functions.
 */

/** Applies decorators in the order given, which is the order their checks run and report. */
function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const decorate of decorators) decorate(target, key);
  };
}

/** A constraint's test: the value, and the object holding it (for rules across fields). */
export type ConstraintTest = (value: unknown, object: unknown) => boolean;
type TestFactory = (constraints: readonly unknown[]) => ConstraintTest;

const ownTests = new Map<string, TestFactory>();

/**
 * The test behind one of the catalogue's own constraints, by name, so that the fast validator can
 * call it directly rather than through class-validator's wrappers.
 */
export function ownConstraintTest(name: string): TestFactory | undefined {
  return ownTests.get(name);
}

/** A class-validator constraint whose test is also reachable through ownConstraintTest. */
function ownConstraint(
  name: string,
  factory: TestFactory,
  message: string | ((args: ValidationArguments) => string),
  constraints: unknown[] = [],
): PropertyDecorator {
  const registered = ownTests.get(name);
  if (registered !== undefined && registered !== factory)
    throw new Error(`Two constraints named ${name}`);
  ownTests.set(name, factory);
  const test = factory(constraints);
  return ValidateBy({
    name,
    constraints,
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => test(value, args?.object),
      defaultMessage:
        typeof message === 'string'
          ? buildMessage(() => message)
          : (args?: ValidationArguments) => message(args!),
    },
  });
}

/**
 * A constraint that can say precisely where inside a structured value (free-form attributes) the
 * problems are; paths are relative to the property ('' itself, `.key`, `[2]`).
 */
export interface DetailedConstraint {
  problems(value: unknown, args: ValidationArguments): ValidationIssue[];
}

export function isDetailedConstraint(value: unknown): value is DetailedConstraint {
  return typeof (value as Partial<DetailedConstraint> | null)?.problems === 'function';
}

const storableText: TestFactory = () => (value) =>
  typeof value !== 'string' || isStorableString(value);
const StorableText = (): PropertyDecorator =>
  ownConstraint('isStorableText', storableText, `$property ${UNSTORABLE_STRING_MESSAGE}`);

/**
 * Length in UTF-16 code units (String.length), checked in constant time. class-validator's Length
 * counts code points with two regular-expression passes over the string, which costs time and
 * memory on exactly the huge strings a length limit is there to stop.
 */
const textLength: TestFactory = ([min, max]) => {
  const low = min as number;
  const high = max as number;
  return (value) => typeof value === 'string' && value.length >= low && value.length <= high;
};
const TextLength = (min: number, max: number): PropertyDecorator =>
  ownConstraint(
    'textLength',
    textLength,
    '$property must have $constraint1 to $constraint2 characters',
    [min, max],
  );

/** A string of `min` to `max` characters that PostgreSQL can store. */
export const Text = (max: number, min = 1): PropertyDecorator =>
  compose(IsString(), TextLength(min, max), StorableText());

/** A producer's identifier of a thing: order, complaint, shipment, SKU, campaign, agent. */
export const Reference = (): PropertyDecorator => Text(128);

/** A short category-like value: complaint category, enquiry topic, loyalty reason. */
export const Label = (): PropertyDecorator => Text(100);

/** Prose written by or about a person. Mark it @Personal() too. */
export const FreeText = (max = 10_000): PropertyDecorator => Text(max);

/**
 * customerId / anonymousId. They name streams (`customer-<id>`), Kafka keys and URLs, and unlike
 * personal fields they cannot be crypto-shredded, so they must be opaque ids: an email address or
 * phone number is refused by the character set.
 */
export const PARTY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:|-]*$/;
export const PartyId = (): PropertyDecorator =>
  compose(
    IsString(),
    TextLength(1, 128),
    Matches(PARTY_ID_PATTERN, {
      message:
        '$property must be an opaque id of letters, digits and . _ : | - (not an email address or phone number)',
    }),
  );

const NIL_OR_MAX_UUID = /^(?:0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i;
const notNilUuid: TestFactory = () => (value) =>
  typeof value !== 'string' || !NIL_OR_MAX_UUID.test(value);
const NotNilUuid = (): PropertyDecorator =>
  ownConstraint('isNotNilUuid', notNilUuid, '$property must not be the nil or max UUID');

/** An RFC 9562 UUID of any version, except the nil and max UUIDs (producers' placeholder bugs). */
export const Uuid = (): PropertyDecorator => compose(IsUUID('all'), NotNilUuid());

/** An RFC 3339 date-time with offset, from 1970 on (the future window is checked per request). */
const timestamp: TestFactory = () => (value) => parseTimestamp(value).ok;
export const Timestamp = (): PropertyDecorator =>
  ownConstraint('isTimestamp', timestamp, (args) => {
    const parsed = parseTimestamp(args.value);
    return `$property ${parsed.ok ? 'is invalid' : parsed.problem}`;
  });

/**
 * Places after the decimal point as JavaScript prints the number. class-validator's own
 * maxDecimalPlaces throws a TypeError on numbers printed in exponent form (1e-7).
 */
export function decimalPlaces(value: number): number {
  const text = String(Math.abs(value));
  const e = text.indexOf('e');
  const mantissa = e === -1 ? text : text.slice(0, e);
  const dot = mantissa.indexOf('.');
  const fraction = dot === -1 ? 0 : mantissa.length - dot - 1;
  return e === -1 ? fraction : Math.max(0, fraction - Number(text.slice(e + 1)));
}

function hasAtMostDecimals(value: number, places: number): boolean {
  if (Number.isInteger(value)) return true;
  // Arithmetic answers the common case without a string; below 1e11 it agrees with printing.
  const scale = 10 ** places;
  if (Math.abs(value) < 1e11 && Math.round(value * scale) / scale === value) return true;
  return decimalPlaces(value) <= places;
}

/** ISO 4217 has currencies with up to 4 minor digits (CLF, UYW). */
export const MAX_AMOUNT_DECIMALS = 4;
export const MAX_AMOUNT = 1e12;

const maxDecimals: TestFactory = ([places]) => {
  const limit = places as number;
  return (value) =>
    typeof value !== 'number' || !Number.isFinite(value) || hasAtMostDecimals(value, limit);
};
const MaxDecimals = (places: number): PropertyDecorator =>
  ownConstraint(
    'maxDecimalPlaces',
    maxDecimals,
    '$property must have at most $constraint1 decimal places',
    [places],
  );

const FiniteNumber = (): PropertyDecorator => IsNumber({ allowNaN: false, allowInfinity: false });

/** A money amount in major units (12.5 = twelve euros fifty), as a JSON number. */
export const Amount = (options: { positive?: boolean } = {}): PropertyDecorator =>
  compose(
    FiniteNumber(),
    options.positive ? IsPositive() : Min(0),
    Max(MAX_AMOUNT),
    MaxDecimals(MAX_AMOUNT_DECIMALS),
  );

export const Currency = (): PropertyDecorator =>
  compose(
    Matches(/^[A-Z]{3}$/, {
      message: '$property must be an ISO 4217 currency code in upper case, e.g. EUR',
    }),
    IsISO4217CurrencyCode({ message: '$property must be an ISO 4217 currency code, e.g. EUR' }),
  );

export const IntegerBetween = (min: number, max: number): PropertyDecorator =>
  compose(IsInt(), Min(min), Max(max));

export const NumberBetween = (min: number, max: number): PropertyDecorator =>
  compose(FiniteNumber(), Min(min), Max(max));

export const OneOf = (values: readonly string[]): PropertyDecorator => IsIn([...values]);

export const WebUrl = (): PropertyDecorator =>
  compose(
    Text(2048),
    IsUrl(
      { protocols: ['http', 'https'], require_protocol: true, require_valid_protocol: true },
      { message: '$property must be an absolute http(s) URL' },
    ),
  );

/** An object of the given schema class, validated with it (unknown fields are errors there too). */
export const Nested = (type: () => SchemaClass): PropertyDecorator =>
  compose(
    IsObject({ message: '$property must be an object' }),
    ValidateNested(),
    Type(type),
    (target, key) => declareNested(target.constructor, String(key), { type, each: false }),
  );

/** A non-empty array of objects of the given schema class, at most `maxItems` long. */
export const NestedList = (type: () => SchemaClass, maxItems: number): PropertyDecorator =>
  compose(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(maxItems),
    ValidateNested({ each: true }),
    Type(type),
    (target, key) => declareNested(target.constructor, String(key), { type, each: true }),
  );

/** This property must be absent when `other` is present (with @IsOptional on both). */
const notTogetherWith: TestFactory =
  ([other]) =>
  (_value, object) => {
    const sibling = (object as Record<string, unknown> | undefined)?.[other as string];
    return sibling === undefined || sibling === null;
  };
export const NotTogetherWith = (other: string): PropertyDecorator =>
  ownConstraint('notTogetherWith', notTogetherWith, 'give $property or $constraint1, not both', [
    other,
  ]);

/**
 * Holds personal data: encrypted with the customer's key in the store and unreadable after
 * erasure. Personal fields must be optional, so that an erased event still fits its schema.
 */
export const Personal = (): PropertyDecorator => (target, key) =>
  declarePersonal(target.constructor, String(key));

@ValidatorConstraint({ name: 'isAttributes' })
export class AttributesConstraint implements ValidatorConstraintInterface, DetailedConstraint {
  validate(value: unknown): boolean {
    return attributesProblems(value).length === 0;
  }
  problems(value: unknown): ValidationIssue[] {
    return attributesProblems(value);
  }
  defaultMessage(args: ValidationArguments): string {
    const [first] = attributesProblems(args.value);
    return first === undefined ? '$property is invalid' : `$property${first.path} ${first.message}`;
  }
}

@ValidatorConstraint({ name: 'isProfileAttributes' })
export class ProfileAttributesConstraint
  implements ValidatorConstraintInterface, DetailedConstraint
{
  validate(value: unknown): boolean {
    return profileAttributesProblems(value).length === 0;
  }
  problems(value: unknown): ValidationIssue[] {
    return profileAttributesProblems(value);
  }
  defaultMessage(args: ValidationArguments): string {
    const [first] = profileAttributesProblems(args.value);
    return first === undefined ? '$property is invalid' : `$property${first.path} ${first.message}`;
  }
}

/** Free-form extras: a JSON object within the size and depth limits (rules/attributes.ts). */
export const FreeFormAttributes = (): PropertyDecorator =>
  compose(Validate(AttributesConstraint), Personal());

/** Profile attributes: free-form, plus rules for the attributes touchline knows (email, phone…). */
export const ProfileAttributes = (): PropertyDecorator =>
  compose(Validate(ProfileAttributesConstraint), Personal());
