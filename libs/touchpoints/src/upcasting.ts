import type { JsonObject } from '@touchline/event-store';
import { CURRENT_VERSIONS } from './catalogue';

/**
 * Lifts `data` of one type from `fromVersion` to `fromVersion + 1`. Pure: it returns a new object
 * and must not mutate its input. It sees the event's metadata (the envelope) read-only, for the
 * rare step that needs it.
 */
export type Upcaster = (data: JsonObject, context: UpcastContext) => JsonObject;

export interface UpcastContext {
  type: string;
  fromVersion: number;
  metadata: Readonly<JsonObject>;
}

export interface UpcasterDefinition {
  type: string;
  fromVersion: number;
  upcast: Upcaster;
}

export interface VersionedEvent {
  type: string;
  version: number;
  data: JsonObject;
  metadata?: JsonObject;
}

export class UpcastError extends Error {
  constructor(
    message: string,
    readonly type: string,
    readonly version: number,
  ) {
    super(message);
    this.name = 'UpcastError';
  }
}

/**
 * Upcasters by (type, fromVersion), applied on read so that readers only ever see each type's
 * current shape and old events are never rewritten (which would break the hash chain).
 *
 * Rules: one step per version, never skipping one; a shipped upcaster is never changed or removed
 * (old events keep needing it); a version bump ships with its upcaster from the previous version.
 * The registry is immutable and checks these rules when it is built, so a gap fails at start-up,
 * not on the first old event read in production.
 */
export class UpcasterRegistry {
  private readonly steps = new Map<string, Upcaster>();

  constructor(
    private readonly currentVersions: Readonly<Record<string, number>>,
    definitions: readonly UpcasterDefinition[] = [],
  ) {
    const lowest = new Map<string, number>();
    for (const { type, fromVersion, upcast } of definitions) {
      const current = currentVersions[type];
      if (current === undefined) throw new Error(`Upcaster for unknown event type ${type}`);
      if (!Number.isInteger(fromVersion) || fromVersion >= current) {
        throw new Error(
          `Upcaster ${type} v${fromVersion}: must start below the current version ${current}`,
        );
      }
      const key = stepKey(type, fromVersion);
      if (this.steps.has(key)) throw new Error(`Two upcasters for ${type} from v${fromVersion}`);
      this.steps.set(key, upcast);
      lowest.set(type, Math.min(lowest.get(type) ?? fromVersion, fromVersion));
    }
    for (const [type, from] of lowest) {
      for (let v = from; v < currentVersions[type]!; v++) {
        if (!this.steps.has(stepKey(type, v))) {
          throw new Error(`Upcasters for ${type} have a gap: none from v${v} to v${v + 1}`);
        }
      }
    }
  }

  currentVersion(type: string): number | undefined {
    return this.currentVersions[type];
  }

  /**
   * The event's data in the current version of its type. Events already current are returned as
   * they are (no copy); older ones go through each step on a copy.
   */
  upcast(event: VersionedEvent): { version: number; data: JsonObject } {
    const current = this.currentVersions[event.type];
    if (current === undefined) {
      throw new UpcastError(`Unknown event type ${event.type}`, event.type, event.version);
    }
    if (event.version === current) return { version: current, data: event.data };
    if (event.version > current) {
      throw new UpcastError(
        `${event.type} v${event.version} was written by a newer touchline (this one knows v${current})`,
        event.type,
        event.version,
      );
    }
    const metadata = Object.freeze({ ...(event.metadata ?? {}) });
    let data = structuredClone(event.data);
    for (let version = event.version; version < current; version++) {
      const step = this.steps.get(stepKey(event.type, version));
      if (step === undefined) {
        throw new UpcastError(
          `No upcaster for ${event.type} from v${version}`,
          event.type,
          event.version,
        );
      }
      data = step(data, { type: event.type, fromVersion: version, metadata });
    }
    return { version: current, data };
  }
}

function stepKey(type: string, fromVersion: number): string {
  return `${type}@${fromVersion}`;
}

/**
 * Every shipped upcaster, in one list. Empty: every type is at version 1. A v2 of a type adds its
 * 1→2 step here (in its own file beside the type's schema) in the same change.
 */
export const TOUCHPOINT_UPCASTERS: readonly UpcasterDefinition[] = [];

export const touchpointUpcasters = new UpcasterRegistry(CURRENT_VERSIONS, TOUCHPOINT_UPCASTERS);
