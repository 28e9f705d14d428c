/**
 * Everything the engine creates lives in the schema `projections`:
 *   - the engine's own tables (registry, builds, checkpoints, dead_letters), from the migrations;
 *   - per build, the rows table `<name>_v<version>_g<generation>` and its companion
 *     `<name>_v<version>_g<generation>_streams` (last applied revision per stream);
 *   - per projection, the view `<name>`: the only thing readers query. The switch of a rebuild
 *     re-points it in the same transaction that drops the old build.
 * Names are checked against a strict pattern, so quoting below is a second line of defence only.
 */
export const PROJECTION_SCHEMA = 'projections';

const NAME = /^[a-z][a-z0-9_]{0,31}$/;
/** Names that would collide with the engine's tables or with a build's physical tables. */
const RESERVED = new Set(['registry', 'builds', 'checkpoints', 'dead_letters']);
const BUILD_SUFFIX = /_v\d+_g\d+/;

export function assertProjectionName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new TypeError(
      `Projection name "${String(name)}" must match ${NAME} (lower case, at most 32 characters)`,
    );
  }
  if (RESERVED.has(name) || BUILD_SUFFIX.test(name)) {
    throw new TypeError(`Projection name "${name}" is reserved by the projection engine`);
  }
}

export function buildTableName(name: string, version: number, generation: number): string {
  return `${name}_v${version}_g${generation}`;
}

export function streamsTableName(buildTable: string): string {
  return `${buildTable}_streams`;
}

/** `"projections"."<table>"`, for a name that passed the checks above. */
export function qualified(table: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(table)) throw new TypeError(`Unsafe table name "${table}"`);
  return `"${PROJECTION_SCHEMA}"."${table}"`;
}
