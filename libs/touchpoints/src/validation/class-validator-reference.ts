import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { ValidateNested, validateSync, type ValidationError } from 'class-validator';
import { TOUCHPOINT_CATALOGUE, type JourneyEvent } from '../catalogue';
import { isEventType, type EventType } from '../event-types';
import { indexPath, joinPath, type ValidationIssue } from '../rules/paths';
import { isPlainObject } from '../rules/text';
import { MAX_CLOCK_SKEW_MS, parseTimestamp } from '../rules/timestamp';
import { TouchpointEnvelopeSchema } from '../schema/envelope.schema';
import type { SchemaClass } from '../schema/schema-registry';
import type { ValidateOptions, ValidationResult } from './validate-touchpoint';

const schemaClasses = new Map<EventType, SchemaClass>();

/**
 * The whole touchpoint of one type as a class-validator class (envelope plus its `data` class),
 * for tools that want one: Nest's ValidationPipe, OpenAPI generators.
 */
export function touchpointSchemaClass(type: EventType): SchemaClass {
  let schema = schemaClasses.get(type);
  if (schema === undefined) {
    const dataSchema = TOUCHPOINT_CATALOGUE[type].dataSchema;
    schema = class extends TouchpointEnvelopeSchema {};
    Object.defineProperty(schema, 'name', {
      value: `${dataSchema.name.replace(/Data$/, '')}Touchpoint`,
    });
    ValidateNested()(schema.prototype, 'data');
    Type(() => dataSchema)(schema.prototype, 'data');
    schemaClasses.set(type, schema);
  }
  return schema;
}

/** Deeper than any valid touchpoint; stops class-transformer from recursing into a stack overflow. */
const MAX_DEPTH = 12;

function tooDeep(value: unknown): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= MAX_DEPTH) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The same validation done by class-validator itself: class-transformer's plainToInstance, then
 * validateSync with whitelist and forbidNonWhitelisted, then the same cross-field rules. Too slow
 * for ingestion (see testing/validate.bench.ts) but the reference the fast path is tested against.
 */
export function validateWithClassValidator(
  input: unknown,
  options: ValidateOptions = {},
): ValidationResult<JourneyEvent> {
  if (!isPlainObject(input))
    return { ok: false, errors: [{ path: '', message: 'a touchpoint must be a JSON object' }] };
  if (tooDeep(input)) return { ok: false, errors: [{ path: '', message: 'nests too deeply' }] };
  const type = input.type;
  const target = isEventType(type) ? touchpointSchemaClass(type) : TouchpointEnvelopeSchema;
  const instance = plainToInstance(target, input) as object;
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  const issues: ValidationIssue[] = [];
  flatten(errors, '', issues);
  if (isEventType(type)) {
    const definition = TOUCHPOINT_CATALOGUE[type];
    if (
      definition.customerIdRequired &&
      (input.customerId === undefined || input.customerId === null)
    ) {
      issues.push({ path: 'customerId', message: `customerId is required for ${type}` });
    }
    if (definition.refine !== undefined && isPlainObject(input.data))
      issues.push(...definition.refine(input, input.data));
  }
  const occurredAt = parseTimestamp(input.occurredAt);
  const now = options.now?.getTime() ?? Date.now();
  if (occurredAt.ok && occurredAt.epochMs > now + MAX_CLOCK_SKEW_MS) {
    issues.push({
      path: 'occurredAt',
      message: 'occurredAt must not be more than 5 minutes in the future',
    });
  }
  if (issues.length > 0) return { ok: false, errors: issues };
  return { ok: true, touchpoint: instance as unknown as JourneyEvent };
}

function flatten(errors: ValidationError[], base: string, issues: ValidationIssue[]): void {
  for (const error of errors) {
    const path = /^\d+$/.test(error.property)
      ? indexPath(base, Number(error.property))
      : joinPath(base, error.property);
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0) issues.push({ path, message: messages[0]! });
    if (error.children !== undefined) flatten(error.children, path, issues);
  }
}
