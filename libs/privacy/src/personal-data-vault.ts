import {
  canonicalJson,
  type EventToAppend,
  type JsonObject,
  type RecordedEvent,
} from '@touchline/event-store';
import {
  isEventType,
  mergePersonalData,
  personalFields,
  splitPersonalData,
  type EventType,
} from '@touchline/touchpoints';
import { decryptPersonal, encryptPersonal, personalDigest } from './crypto/envelope';
import type { DataKey, DataKeys } from './keys/data-keys';

/**
 * What a reader got of an event's personal fields:
 * - none: the event has none;
 * - decrypted: they are back in `data`;
 * - erased: the data subject's key was destroyed: they are absent from `data` for good.
 */
export type PersonalDataState = 'none' | 'decrypted' | 'erased';

/** A recorded event with its personal fields merged back into `data` where the key still exists. */
export type OpenedEvent = Omit<RecordedEvent, 'personal'> & { personalData: PersonalDataState };

/** The data subject of a stream: its key encrypts the personal fields of the stream's events. */
const subjectOfStream = (streamId: string): string => streamId;

/**
 * Encrypts personal fields on the way into the store and decrypts them on the way out.
 *
 * seal: the catalogue's personal fields of the event's type (splitPersonalData) leave `data` and
 * are encrypted with the stream's data key into the event's personal part; types outside the
 * catalogue (ops audit entries) carry no personal fields and pass unchanged.
 * open: the reverse, for the readers allowed to see personal data (projections, which must not
 * store it; the ops export and replay).
 */
export class PersonalDataVault {
  constructor(private readonly keys: DataKeys) {}

  async seal(streamId: string, event: EventToAppend): Promise<EventToAppend> {
    if (!hasPersonalData(event)) return event;
    return sealWith(await this.keys.forSubject(subjectOfStream(streamId)), streamId, event);
  }

  sealAll(streamId: string, events: readonly EventToAppend[]): Promise<EventToAppend[]> {
    return this.sealMany(events.map((event) => ({ streamId, event }))).then((sealed) =>
      sealed.map((s) => s.event),
    );
  }

  /** Seals events of many streams, fetching (or creating) their keys together. */
  async sealMany<T extends { streamId: string; event: EventToAppend }>(
    items: readonly T[],
  ): Promise<T[]> {
    const subjects = items
      .filter((i) => hasPersonalData(i.event))
      .map((i) => subjectOfStream(i.streamId));
    if (subjects.length === 0) return [...items];
    const keys = await this.keys.forSubjects(subjects);
    return items.map((item) =>
      hasPersonalData(item.event)
        ? {
            ...item,
            event: sealWith(keys.get(subjectOfStream(item.streamId))!, item.streamId, item.event),
          }
        : item,
    );
  }

  async open(event: RecordedEvent): Promise<OpenedEvent> {
    return openWith(event, event.personal ? await this.keys.byKeyId(event.personal.keyId) : null);
  }

  /** open for a page of events: the keys the cache lacks are read together, in one query. */
  async openAll(events: readonly RecordedEvent[]): Promise<OpenedEvent[]> {
    const keyIds = events.flatMap((e) => (e.personal ? [e.personal.keyId] : []));
    if (keyIds.length === 0) return events.map((event) => openWith(event, null));
    const keys = await this.keys.byKeyIds(keyIds);
    return events.map((event) =>
      openWith(event, event.personal ? (keys.get(event.personal.keyId) ?? null) : null),
    );
  }
}

function openWith(event: RecordedEvent, key: DataKey | null): OpenedEvent {
  const { personal, ...rest } = event;
  if (!personal) return { ...rest, personalData: 'none' };
  if (!key) return { ...rest, personalData: 'erased' };
  const fields = JSON.parse(
    decryptPersonal(key.encryption, personal.ciphertext, event.streamId, event.eventId),
  ) as JsonObject;
  return { ...rest, data: mergePersonalData(event.data, fields), personalData: 'decrypted' };
}

const DATA_PREFIX = 'data.';

/** Whether seal has work: a catalogue type with personal fields present, not sealed yet. */
function hasPersonalData(event: EventToAppend): boolean {
  if (event.personal || !isEventType(event.type)) return false;
  return personalFields(event.type).some((path) => path.slice(DATA_PREFIX.length) in event.data);
}

function sealWith(key: DataKey, streamId: string, event: EventToAppend): EventToAppend {
  const { data, personal } = splitPersonalData(event.type as EventType, event.data);
  const plaintext = canonicalJson(personal);
  return {
    ...event,
    data,
    personal: {
      keyId: key.keyId,
      // The store keeps event ids in lower case; the ciphertext is bound to that form.
      ciphertext: encryptPersonal(key.encryption, plaintext, streamId, event.eventId.toLowerCase()),
      digest: personalDigest(key.mac, plaintext),
    },
  };
}
