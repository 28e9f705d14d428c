import {
  IS_OPTIONAL,
  getMetadataStorage,
  ValidationTypes,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { cloneAttributes } from '../rules/attributes';
import { indexPath, joinPath, prefixPath, type ValidationIssue } from '../rules/paths';
import { hasOwn, isPlainObject } from '../rules/text';
import { isDetailedConstraint, type ConstraintTest } from '../schema/field-decorators';
import { directTest } from './constraint-tests';
import { nestedDeclaration, type SchemaClass } from '../schema/schema-registry';

/*
 * The fast path. class-validator re-reads and re-filters its metadata store for every object it
 * validates (a scan over every decorated class, per nested object), wraps every check in argument
 * and error objects, and needs class-transformer to build instances first. Here the same metadata
 * is read once per class into a plan, and the plan calls the same check functions directly
 * (constraint-tests.ts) on the parsed JSON. Semantics follow class-validator with whitelist,
 * forbidNonWhitelisted and forbidUnknownValues; compiled-schema.spec.ts holds the two to the same
 * answers.
 */

interface Check {
  name: string;
  constraints: unknown[];
  each: boolean;
  validateIf: ((object: unknown, value: unknown) => boolean) | undefined;
  instance: ValidatorConstraintInterface;
  /** The check called directly (constraint-tests.ts); undefined: through `instance`. */
  test: ConstraintTest | undefined;
  problems: ((value: unknown, args: ValidationArguments) => ValidationIssue[]) | undefined;
  message: (args: ValidationArguments) => string;
}

interface PropertyPlan {
  name: string;
  /** @IsOptional(): null and undefined skip every other check (kept out of `conditions` for speed). */
  optional: boolean;
  /** @ValidateIf() conditions. */
  conditions: Array<(object: unknown, value: unknown) => boolean>;
  defined: Check[];
  checks: Check[];
  nested: { type: () => SchemaClass; each: boolean } | undefined;
  /** Free-form JSON (checked by a detailed constraint): copied deeply into the output. */
  freeForm: boolean;
}

export interface ClassPlan {
  target: SchemaClass;
  targetName: string;
  properties: PropertyPlan[];
  names: ReadonlySet<string>;
}

/**
 * Cheap, general checks first: a wrong type is reported as such, and a huge string is measured
 * before any pattern runs over it. Only the first failing check of a property is reported.
 */
const RANK: Readonly<Record<string, number>> = {
  isString: 0,
  isNumber: 0,
  isInt: 0,
  isBoolean: 0,
  isObject: 0,
  isArray: 0,
  isIn: 0,
  isLength: 1,
  textLength: 1,
  maxLength: 1,
  minLength: 1,
  min: 1,
  max: 1,
  isPositive: 1,
  arrayMinSize: 1,
  arrayMaxSize: 1,
};

const plans = new Map<SchemaClass, ClassPlan>();

export function planOf(target: SchemaClass): ClassPlan {
  let plan = plans.get(target);
  if (plan === undefined) {
    plan = compile(target);
    plans.set(target, plan);
  }
  return plan;
}

function compile(target: SchemaClass): ClassPlan {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(target, '', false, false);
  const byName = new Map<string, PropertyPlan>();
  const where = (property: string): string => `${target.name}.${property}`;
  for (const m of metadatas) {
    let property = byName.get(m.propertyName);
    if (property === undefined) {
      if (m.propertyName in Object.prototype)
        throw new Error(`${where(m.propertyName)}: the name shadows Object.prototype`);
      property = {
        name: m.propertyName,
        optional: false,
        conditions: [],
        defined: [],
        checks: [],
        nested: undefined,
        freeForm: false,
      };
      byName.set(m.propertyName, property);
    }
    if (m.groups !== undefined && m.groups.length > 0)
      throw new Error(`${where(m.propertyName)}: validation groups are not supported`);
    switch (m.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION:
        if (m.name === IS_OPTIONAL) property.optional = true;
        else
          property.conditions.push(
            m.constraints[0] as (object: unknown, value: unknown) => boolean,
          );
        break;
      case ValidationTypes.WHITELIST:
        break;
      case ValidationTypes.NESTED_VALIDATION: {
        const declared = nestedDeclaration(target, m.propertyName);
        if (declared === undefined)
          throw new Error(
            `${where(m.propertyName)}: declare nested classes with Nested() or NestedList()`,
          );
        property.nested = declared;
        break;
      }
      case ValidationTypes.IS_DEFINED:
      case ValidationTypes.CUSTOM_VALIDATION: {
        for (const constraint of storage.getTargetValidatorConstraints(m.constraintCls)) {
          if (constraint.async)
            throw new Error(`${where(m.propertyName)}: async constraints are not supported`);
          const instance = constraint.instance;
          const check: Check = {
            name: constraint.name,
            constraints: (m.constraints as unknown[] | undefined) ?? [],
            each: m.each === true,
            validateIf: m.validateIf,
            instance,
            test: directTest(constraint.name, (m.constraints as unknown[] | undefined) ?? []),
            problems: isDetailedConstraint(instance)
              ? (value, args) => instance.problems(value, args)
              : undefined,
            message: (args) =>
              typeof m.message === 'function'
                ? m.message(args)
                : typeof m.message === 'string' && m.message !== ''
                  ? m.message
                  : (instance.defaultMessage?.(args) ?? `${m.propertyName} is invalid`),
          };
          if (check.problems) property.freeForm = true;
          (m.type === ValidationTypes.IS_DEFINED ? property.defined : property.checks).push(check);
        }
        break;
      }
      default:
        throw new Error(`${where(m.propertyName)}: validation type ${m.type} is not supported`);
    }
  }
  const properties = [...byName.values()];
  for (const property of properties) {
    property.checks = property.checks
      .map((check, order) => ({ check, order }))
      .sort((a, b) => (RANK[a.check.name] ?? 2) - (RANK[b.check.name] ?? 2) || a.order - b.order)
      .map(({ check }) => check);
  }
  return { target, targetName: target.name, properties, names: new Set(byName.keys()) };
}

/** What class-validator does to a message: $constraintN, $property and $target become values. */
function render(message: string, args: ValidationArguments): string {
  let text = message;
  args.constraints.forEach((constraint, i) => {
    text = text
      .split(`$constraint${i + 1}`)
      .join(Array.isArray(constraint) ? constraint.join(', ') : String(constraint));
  });
  return text.split('$property').join(args.property).split('$target').join(args.targetName);
}

export interface Collector {
  issues: ValidationIssue[];
  /** Stop collecting beyond this many: hostile input must not buy an unbounded error list. */
  limit: number;
}

/**
 * Validates `object` against the plan, reporting into `collector` with paths under `path`, and
 * returns a normalised copy: only declared properties, null and absent optionals dropped, nested
 * objects copied through their plans, free-form attributes deep-copied. Never mutates `object`.
 */
export function runPlan(
  plan: ClassPlan,
  object: Record<string, unknown>,
  path: string,
  collector: Collector,
): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  const { issues } = collector;
  for (const key in object) {
    if (!plan.names.has(key) && hasOwn(object, key)) {
      if (issues.length >= collector.limit) return output;
      const shown = key.length > 64 ? `${key.slice(0, 64)}…` : key;
      issues.push({ path: joinPath(path, key), message: `property ${shown} should not exist` });
    }
  }
  // One arguments object per call, updated per property: the constraint functions only read it.
  const args: ValidationArguments = {
    targetName: plan.targetName,
    property: '',
    object,
    value: undefined,
    constraints: [],
  };
  for (const property of plan.properties) {
    if (issues.length >= collector.limit) return output;
    const name = property.name;
    // Plain reads: compile() refuses names that Object.prototype has, so nothing is inherited.
    const value = object[name];
    if (property.optional && (value === undefined || value === null)) continue;
    if (property.conditions.length > 0 && !conditionsHold(property.conditions, object, value))
      continue;
    args.property = name;
    args.value = value;
    const failedDefined = firstFailure(property.defined, value, object, args);
    if (failedDefined !== undefined) {
      args.constraints = failedDefined.constraints;
      issues.push({
        path: joinPath(path, name),
        message: render(failedDefined.message(args), args),
      });
      continue;
    }
    const failed = firstFailure(property.checks, value, object, args);
    if (failed !== undefined) {
      args.constraints = failed.constraints;
      const propertyPath = joinPath(path, name);
      if (value === undefined) {
        issues.push({ path: propertyPath, message: `${name} is required` });
      } else if (failed.problems !== undefined) {
        for (const problem of failed.problems(value, args)) {
          issues.push({ path: prefixPath(propertyPath, problem.path), message: problem.message });
        }
      } else {
        issues.push({ path: propertyPath, message: render(failed.message(args), args) });
      }
      continue;
    }
    if (value === undefined || value === null) continue;
    if (typeof value !== 'object') {
      output[name] = value;
    } else if (property.nested !== undefined) {
      output[name] = runNested(property, value, joinPath(path, name), collector);
    } else if (property.freeForm && isPlainObject(value)) {
      output[name] = cloneAttributes(value);
    }
  }
  return output;
}

function conditionsHold(
  conditions: PropertyPlan['conditions'],
  object: unknown,
  value: unknown,
): boolean {
  for (let i = 0; i < conditions.length; i++) if (!conditions[i]!(object, value)) return false;
  return true;
}

function runNested(
  property: PropertyPlan,
  value: object,
  path: string,
  collector: Collector,
): unknown {
  const nested = property.nested!;
  const plan = planOf(nested.type());
  if (!nested.each) return runPlan(plan, value as Record<string, unknown>, path, collector);
  const items = value as unknown[];
  const copies: unknown[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      collector.issues.push({
        path: indexPath(path, i),
        message: `each value in ${property.name} must be an object`,
      });
      continue;
    }
    copies[i] = runPlan(plan, item as Record<string, unknown>, indexPath(path, i), collector);
  }
  return copies;
}

function firstFailure(
  checks: Check[],
  value: unknown,
  object: unknown,
  args: ValidationArguments,
): Check | undefined {
  for (let i = 0; i < checks.length; i++) {
    const check = checks[i]!;
    if (check.validateIf !== undefined && !check.validateIf(object, value)) continue;
    const test = check.test;
    let valid: boolean;
    if (test !== undefined) {
      valid =
        check.each && Array.isArray(value)
          ? value.every((item) => test(item, object))
          : test(value, object);
    } else {
      args.constraints = check.constraints;
      valid =
        check.each && Array.isArray(value)
          ? value.every((item) => Boolean(check.instance.validate(item, args)))
          : Boolean(check.instance.validate(value, args));
    }
    if (!valid) return check;
  }
  return undefined;
}
