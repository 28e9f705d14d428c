import { touchpointExample } from '../examples';
import type { EventType } from '../event-types';

/** Shared by the specs of this library (not exported from index.ts; testing/ is left out of builds). */

export const NOW = new Date('2026-06-01T00:00:00Z');

export const REMOVE = Symbol('remove');

type Json = Record<string, unknown>;

/** A fresh copy of the type's example with `path` (e.g. `data.items[1].quantity`) set or removed. */
export function exampleWith(type: EventType, path: string, value: unknown): Json {
  return withValue(touchpointExample(type) as unknown as Json, path, value);
}

export function withValue(input: Json, path: string, value: unknown): Json {
  const copy = structuredClone(input);
  const keys = path.match(/[^.[\]]+/g) ?? [];
  let target: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    if (target[key] === undefined) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (value === REMOVE) delete target[last];
  else target[last] = value;
  return copy;
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Json)[key]);
  }
  return value;
}

/** An object nested `depth` levels deep: {a: {a: {… {}}}}. */
export function deeplyNested(depth: number): Json {
  let value: Json = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}
