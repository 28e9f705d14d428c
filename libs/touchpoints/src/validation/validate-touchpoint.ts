import { TOUCHPOINT_CATALOGUE, type JourneyEvent, type Touchpoint } from '../catalogue';
import { isEventType, type EventType } from '../event-types';
import type { ValidationIssue } from '../rules/paths';
import { hasOwn, isPlainObject } from '../rules/text';
import { MAX_CLOCK_SKEW_MS, parseTimestamp } from '../rules/timestamp';
import { TouchpointEnvelopeSchema } from '../schema/envelope.schema';
import { planOf, runPlan, type Collector } from './compiled-schema';

export type { ValidationIssue } from '../rules/paths';

export type ValidationResult<T> =
  { ok: true; touchpoint: T } | { ok: false; errors: ValidationIssue[] };
export type BatchValidationResult<T> =
  { ok: true; touchpoints: T[] } | { ok: false; errors: ValidationIssue[] };

export interface ValidateOptions {
  /** The server's clock, for the future window of occurredAt. Default: now. */
  now?: Date;
}

/** A hostile request must not buy an unbounded error list; the first ones say enough. */
export const MAX_REPORTED_ERRORS = 100;

/**
 * Checks a touchpoint as a producer sent it (parsed JSON) and returns a normalised copy, or every
 * problem with its JSON path. Never throws and never mutates the input. System event types
 * (customer.erased, …) are refused: see validateJourneyEvent.
 */
export function validateTouchpoint(
  input: unknown,
  options: ValidateOptions = {},
): ValidationResult<Touchpoint> {
  return validate(
    input,
    false,
    nowOf(options),
    MAX_REPORTED_ERRORS,
  ) as ValidationResult<Touchpoint>;
}

/** As validateTouchpoint, but also accepts the system events that operations record. */
export function validateJourneyEvent(
  input: unknown,
  options: ValidateOptions = {},
): ValidationResult<JourneyEvent> {
  return validate(input, true, nowOf(options), MAX_REPORTED_ERRORS);
}

/**
 * Validates every item; the batch is valid only if all are (batches are atomic). Paths are
 * prefixed `touchpoints[i]`. Two items with the same eventId are an error: the store appends a
 * batch at once, and one id cannot be two events.
 */
export function validateTouchpointBatch(
  items: unknown,
  options: ValidateOptions = {},
): BatchValidationResult<Touchpoint> {
  if (!Array.isArray(items))
    return {
      ok: false,
      errors: [{ path: 'touchpoints', message: 'touchpoints must be an array' }],
    };
  if (items.length === 0)
    return {
      ok: false,
      errors: [{ path: 'touchpoints', message: 'touchpoints must not be empty' }],
    };
  const now = nowOf(options);
  const errors: ValidationIssue[] = [];
  const touchpoints: Touchpoint[] = [];
  const firstIndexOf = new Map<string, number>();
  let omitted = 0;
  for (let i = 0; i < items.length; i++) {
    const base = `touchpoints[${i}]`;
    const result = validate(items[i], false, now, MAX_REPORTED_ERRORS);
    if (!result.ok) {
      for (const issue of result.errors) {
        if (errors.length < MAX_REPORTED_ERRORS)
          errors.push({ path: under(base, issue.path), message: issue.message });
        else omitted++;
      }
      continue;
    }
    const eventId = result.touchpoint.eventId;
    const first = firstIndexOf.get(eventId);
    if (first !== undefined) {
      if (errors.length < MAX_REPORTED_ERRORS) {
        errors.push({
          path: `${base}.eventId`,
          message: `eventId repeats the eventId of touchpoints[${first}]`,
        });
      } else omitted++;
      continue;
    }
    firstIndexOf.set(eventId, i);
    touchpoints.push(result.touchpoint as Touchpoint);
  }
  if (errors.length === 0) return { ok: true, touchpoints };
  if (omitted > 0)
    errors.push({ path: 'touchpoints', message: `at least ${omitted} more errors not listed` });
  return { ok: false, errors };
}

/**
 * Checks `data` against its type's current schema only (no envelope, no ingestion-time rules
 * across fields): for readers that want to assert what they got after upcasting, and for tests.
 */
export function validateEventData(type: EventType, data: unknown): ValidationIssue[] {
  try {
    if (!isPlainObject(data)) return [{ path: 'data', message: 'data must be an object' }];
    const collector: Collector = { issues: [], limit: MAX_REPORTED_ERRORS };
    runPlan(planOf(TOUCHPOINT_CATALOGUE[type].dataSchema), data, 'data', collector);
    return collector.issues;
  } catch (error) {
    return [{ path: 'data', message: `could not be validated: ${describe(error)}` }];
  }
}

function under(base: string, path: string): string {
  if (path === '') return base;
  return path.startsWith('[') ? base + path : `${base}.${path}`;
}

function nowOf(options: ValidateOptions): number {
  const now = options.now?.getTime();
  return now === undefined || Number.isNaN(now) ? Date.now() : now;
}

const ENVELOPE = TouchpointEnvelopeSchema;

function validate(
  input: unknown,
  allowSystem: boolean,
  now: number,
  limit: number,
): ValidationResult<JourneyEvent> {
  try {
    if (!isPlainObject(input))
      return { ok: false, errors: [{ path: '', message: 'a touchpoint must be a JSON object' }] };
    const collector: Collector = { issues: [], limit };
    const envelope = runPlan(planOf(ENVELOPE), input, '', collector);
    const issues = collector.issues;
    const type = hasOwn(input, 'type') ? input.type : undefined;
    const rawData = hasOwn(input, 'data') ? input.data : undefined;
    let data: Record<string, unknown> | undefined;
    if (isEventType(type)) {
      const definition = TOUCHPOINT_CATALOGUE[type];
      if (!definition.acceptedFromProducers && !allowSystem) {
        issues.push({
          path: 'type',
          message: `${type} is recorded by touchline itself; producers cannot send it`,
        });
      } else {
        if (isPlainObject(rawData))
          data = runPlan(planOf(definition.dataSchema), rawData, 'data', collector);
        if (
          definition.customerIdRequired &&
          (input.customerId === undefined || input.customerId === null)
        ) {
          issues.push({ path: 'customerId', message: `customerId is required for ${type}` });
        }
        if (definition.refine !== undefined && isPlainObject(rawData))
          issues.push(...definition.refine(input, rawData));
      }
    }
    const occurredAt = parseTimestamp(input.occurredAt);
    if (occurredAt.ok && occurredAt.epochMs > now + MAX_CLOCK_SKEW_MS) {
      issues.push({
        path: 'occurredAt',
        message: 'occurredAt must not be more than 5 minutes in the future',
      });
    }
    if (issues.length > 0) return { ok: false, errors: issues.slice(0, limit) };
    envelope.eventId = (envelope.eventId as string).toLowerCase();
    envelope.data = data;
    return { ok: true, touchpoint: envelope as unknown as JourneyEvent };
  } catch (error) {
    // Input that no JSON parser produces (proxies, throwing getters) lands here: refuse it, never throw.
    return {
      ok: false,
      errors: [{ path: '', message: `could not be validated: ${describe(error)}` }],
    };
  }
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message.slice(0, 200) : 'unexpected input';
  } catch {
    return 'unexpected input';
  }
}
