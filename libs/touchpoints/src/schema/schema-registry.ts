/**
 * What the touchpoint schemas declare beyond class-validator's own metadata: which class a nested
 * property holds (class-transformer keeps that in a private store) and which fields are personal.
 */
export type SchemaClass = new () => object;

/** A class as decorators see it (`target.constructor`): only its identity and prototype chain matter. */
type ClassRef = object;

export interface NestedDeclaration {
  type: () => SchemaClass;
  each: boolean;
}

const nested = new Map<ClassRef, Map<string, NestedDeclaration>>();
const personal = new Map<ClassRef, string[]>();

export function declareNested(
  target: ClassRef,
  property: string,
  declaration: NestedDeclaration,
): void {
  let properties = nested.get(target);
  if (properties === undefined) nested.set(target, (properties = new Map()));
  properties.set(property, declaration);
}

export function nestedDeclaration(
  target: ClassRef,
  property: string,
): NestedDeclaration | undefined {
  for (const c of classChain(target)) {
    const found = nested.get(c)?.get(property);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function declarePersonal(target: ClassRef, property: string): void {
  const properties = personal.get(target) ?? [];
  if (!properties.includes(property)) properties.push(property);
  personal.set(target, properties);
}

/** Personal properties of a class, its own and inherited, in declaration order. */
export function personalProperties(target: ClassRef): string[] {
  const found: string[] = [];
  for (const c of classChain(target)) {
    for (const p of personal.get(c) ?? []) if (!found.includes(p)) found.push(p);
  }
  return found;
}

/** The class and the classes it extends, nearest first. */
function classChain(target: ClassRef): ClassRef[] {
  const chain: ClassRef[] = [];
  let c: ClassRef | null = target;
  while (c !== null && c !== Function.prototype) {
    chain.push(c);
    c = Object.getPrototypeOf(c) as ClassRef | null;
  }
  return chain;
}
