import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The cryptography of envelope encryption, and nothing else (no I/O, no keys kept):
 * - a data key (256 random bits) per data subject, wrapped by a master key with AES-256-GCM;
 * - two keys derived from each data key with HKDF-SHA256 (one for encryption, one for the MAC
 *   that makes idempotency work without an unkeyed hash of personal data);
 * - personal fields encrypted with AES-256-GCM, a random 96-bit IV, and associated data that binds
 *   the ciphertext to its stream and event (moving it to another event fails authentication).
 */
export const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of every personal ciphertext: the format, so that it can change later. */
const FORMAT_V1 = 1;

export interface DerivedKeys {
  encryption: Buffer;
  mac: Buffer;
}

export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

export function deriveKeys(dataKey: Buffer): DerivedKeys {
  const derive = (info: string) =>
    Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), info, DATA_KEY_BYTES));
  return {
    encryption: derive('touchline personal data encryption v1'),
    mac: derive('touchline personal data digest v1'),
  };
}

const wrapAad = (keyId: string, subject: string) =>
  Buffer.from(`touchline data key v1\0${keyId}\0${subject}`, 'utf8');

/** iv ‖ tag ‖ ciphertext of the data key under the master key, bound to the key's id and subject. */
export function wrapDataKey(
  masterKey: Buffer,
  dataKey: Buffer,
  keyId: string,
  subject: string,
): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(wrapAad(keyId, subject));
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** Throws when the master key is the wrong one or the wrapped key was altered or moved. */
export function unwrapDataKey(
  masterKey: Buffer,
  wrapped: Buffer,
  keyId: string,
  subject: string,
): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', masterKey, wrapped.subarray(0, IV_BYTES));
  decipher.setAAD(wrapAad(keyId, subject));
  decipher.setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const key = Buffer.concat([
    decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)),
    decipher.final(),
  ]);
  if (key.length !== DATA_KEY_BYTES) throw new Error(`data key ${keyId} has a wrong length`);
  return key;
}

const sealAad = (streamId: string, eventId: string) =>
  Buffer.from(`touchline personal v1\0${streamId}\0${eventId}`, 'utf8');

/** format ‖ iv ‖ tag ‖ ciphertext of the plaintext, bound to the event it belongs to. */
export function encryptPersonal(
  key: Buffer,
  plaintext: string,
  streamId: string,
  eventId: string,
): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(sealAad(streamId, eventId));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.of(FORMAT_V1), iv, cipher.getAuthTag(), body]);
}

/** Throws when the ciphertext was altered, moved to another event, or is of an unknown format. */
export function decryptPersonal(
  key: Buffer,
  sealed: Buffer,
  streamId: string,
  eventId: string,
): string {
  if (sealed[0] !== FORMAT_V1) throw new Error(`unknown personal data format ${sealed[0]}`);
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(sealAad(streamId, eventId));
  decipher.setAuthTag(tag);
  return Buffer.concat([
    decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)),
    decipher.final(),
  ]).toString('utf8');
}

/** HMAC-SHA256 of the canonical plaintext under the subject's MAC key: equal iff same content. */
export function personalDigest(macKey: Buffer, plaintext: string): Buffer {
  return createHmac('sha256', macKey).update(plaintext, 'utf8').digest();
}
