import type { JsonObject } from '@touchline/event-store';
import { TOUCHPOINT_CATALOGUE } from './catalogue';
import type { EventType } from './event-types';

/**
 * Paths of the personal fields of an event type, e.g. `['data.text', 'data.attributes']`. Each
 * names a whole top-level field of `data` (free-form attributes count as personal as a whole:
 * the catalogue cannot know what is in them), so encryption moves whole fields.
 */
export function personalFields(type: EventType): readonly string[] {
  return TOUCHPOINT_CATALOGUE[type].personalFields;
}

export interface SplitData {
  /** `data` without its personal fields: stored in clear. */
  data: JsonObject;
  /** The personal fields present, by name; null when there are none. Encrypt this. */
  personal: JsonObject | null;
}

/** Separates the personal fields of `data` (stored encrypted) from the rest (stored in clear). */
export function splitPersonalData(type: EventType, data: JsonObject): SplitData {
  const fields = TOUCHPOINT_CATALOGUE[type].personalFields;
  let personal: JsonObject | null = null;
  const clear: JsonObject = {};
  for (const key of Object.keys(data)) {
    const value = data[key]!;
    if (fields.includes(`data.${key}`)) (personal ??= {})[key] = value;
    else clear[key] = value;
  }
  return { data: clear, personal };
}

/** The inverse of splitPersonalData; with personal = null (erased) the personal fields stay absent. */
export function mergePersonalData(data: JsonObject, personal: JsonObject | null): JsonObject {
  return personal === null ? data : { ...data, ...personal };
}
