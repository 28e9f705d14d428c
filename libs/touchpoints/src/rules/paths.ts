/** A validation problem: where (a JSON path such as `data.items[2].quantity`) and what. */
export interface ValidationIssue {
  path: string;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Keys come from hostile input: a megabyte-long key must not make a megabyte-long error. */
const MAX_KEY_IN_PATH = 64;

/** `base.key`, or `base["odd key"]` when the key is not an identifier. */
export function joinPath(base: string, key: string): string {
  if (key.length <= MAX_KEY_IN_PATH && IDENTIFIER.test(key))
    return base === '' ? key : `${base}.${key}`;
  const shown = key.length > MAX_KEY_IN_PATH ? `${key.slice(0, MAX_KEY_IN_PATH)}…` : key;
  return `${base}[${JSON.stringify(shown)}]`;
}

/** A member relative to `base`, which may be '' (the value itself): `.key` or `["odd key"]`. */
export function memberPath(base: string, key: string): string {
  return base + joinPath('_', key).slice(1);
}

export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}

/** Prefixes a relative path ('' for the value itself, `.a` or `[2]` below it). */
export function prefixPath(base: string, relative: string): string {
  if (relative === '') return base;
  if (base === '') return relative.startsWith('.') ? relative.slice(1) : relative;
  return base + relative;
}
