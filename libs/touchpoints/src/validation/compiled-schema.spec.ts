import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { allTouchpointExamples, touchpointExample } from '../examples';
import { NOW, REMOVE, withValue } from '../testing/test-helpers';
import { validateWithClassValidator } from './class-validator-reference';
import { planOf } from './compiled-schema';
import { validateJourneyEvent, type ValidationResult } from './validate-touchpoint';
import type { JourneyEvent } from '../catalogue';

/** Every path to a value in `value`, up to `depth` levels: `data`, `data.items`, `data.items[0]`, … */
function pathsOf(value: unknown, base = '', depth = 4): string[] {
  if (depth === 0 || value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value)
    ? value.map((v, i) => [`${base}[${i}]`, v] as const)
    : Object.entries(value).map(([k, v]) => [base ? `${base}.${k}` : k, v] as const);
  return entries.flatMap(([path, child]) => [path, ...pathsOf(child, path, depth - 1)]);
}

/**
 * Where a result says the problems are, comparably: free-form attributes count as one place
 * (class-validator reports them as one), and a path inside one already reported is dropped
 * (class-validator goes on into the children of a value it has already refused).
 */
function places(result: ValidationResult<JourneyEvent>): string[] {
  if (result.ok) return [];
  const paths = [
    ...new Set(result.errors.map((e) => e.path.replace(/^(data\.attributes)[.[].*$/, '$1'))),
  ];
  return paths
    .filter((p) => !paths.some((q) => q !== p && (p.startsWith(`${q}.`) || p.startsWith(`${q}[`))))
    .sort();
}

const PROBES: unknown[] = [
  REMOVE,
  null,
  '',
  'x',
  'X'.repeat(300),
  -1,
  0,
  1.5,
  1e13,
  true,
  {},
  [],
  [{}],
  { bogus: 1 },
];

describe('the fast path agrees with class-validator', () => {
  const cases: Array<[string, unknown]> = [];
  for (const example of allTouchpointExamples()) {
    cases.push([`${example.type} as is`, example]);
    for (const path of pathsOf(example)) {
      for (const probe of PROBES) {
        // class-validator's ValidateNested accepts an array, or a hole, where a list expects an
        // object (it walks into the array, skips the hole); the fast path refuses both. Below.
        if ((Array.isArray(probe) || probe === REMOVE) && /\.items\[\d+\]$/.test(path)) continue;
        cases.push([
          `${example.type}: ${path} = ${probe === REMOVE ? '(removed)' : JSON.stringify(probe)?.slice(0, 20)}`,
          withValue(example as never, path, probe),
        ]);
      }
      cases.push([
        `${example.type}: unknown field beside ${path}`,
        withValue(example as never, path.replace(/[^.[\]]+$/, 'bogusField'), 1),
      ]);
    }
  }

  it(`on ${cases.length} variations of the examples: same verdict, same places`, () => {
    const disagreements: string[] = [];
    for (const [name, input] of cases) {
      const fast = validateJourneyEvent(input, { now: NOW });
      const reference = validateWithClassValidator(input, { now: NOW });
      const [a, b] = [places(fast), places(reference)];
      if (fast.ok !== reference.ok || JSON.stringify(a) !== JSON.stringify(b)) {
        disagreements.push(
          `${name}: fast ${JSON.stringify(a)} vs class-validator ${JSON.stringify(b)}`,
        );
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('except that the fast path refuses an array or a hole as a line item, which class-validator lets through', () => {
    for (const value of [[], REMOVE]) {
      const input = withValue(touchpointExample('purchase') as never, 'data.items[0]', value);
      expect(validateWithClassValidator(input, { now: NOW }).ok).toBe(true);
      expect(validateJourneyEvent(input, { now: NOW })).toEqual({
        ok: false,
        errors: [{ path: 'data.items[0]', message: 'each value in items must be an object' }],
      });
    }
  });
});

describe('compiling a schema class', () => {
  it('refuses decorators whose semantics the fast path does not implement', () => {
    class WithGroups {
      @IsString({ groups: ['admin'] })
      name!: string;
    }
    class PlainValidateNested {
      @ValidateNested()
      child!: object;
    }
    class ShadowsObjectPrototype {}
    IsOptional()(ShadowsObjectPrototype.prototype, 'toString');
    IsString()(ShadowsObjectPrototype.prototype, 'toString');
    expect(() => planOf(WithGroups)).toThrow(/validation groups are not supported/);
    expect(() => planOf(PlainValidateNested)).toThrow(
      /declare nested classes with Nested\(\) or NestedList\(\)/,
    );
    expect(() => planOf(ShadowsObjectPrototype)).toThrow(/shadows Object\.prototype/);
  });
});
