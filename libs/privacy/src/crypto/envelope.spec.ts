import {
  decryptPersonal,
  deriveKeys,
  encryptPersonal,
  newDataKey,
  personalDigest,
  unwrapDataKey,
  wrapDataKey,
} from './envelope';

describe('envelope encryption', () => {
  const master = Buffer.alloc(32, 1);
  const otherMaster = Buffer.alloc(32, 2);

  it('wraps a data key so that only its master key, id and subject unwrap it', () => {
    const dataKey = newDataKey();
    const wrapped = wrapDataKey(master, dataKey, 'k-1', 'customer-c1');
    expect(wrapped.includes(dataKey)).toBe(false);
    expect(unwrapDataKey(master, wrapped, 'k-1', 'customer-c1')).toEqual(dataKey);
    expect(() => unwrapDataKey(otherMaster, wrapped, 'k-1', 'customer-c1')).toThrow();
    // A wrapped key copied onto another subject's row does not unwrap there.
    expect(() => unwrapDataKey(master, wrapped, 'k-1', 'customer-c2')).toThrow();
    expect(() => unwrapDataKey(master, wrapped, 'k-2', 'customer-c1')).toThrow();
  });

  it('encrypts personal fields bound to their event: moved or altered ciphertext fails', () => {
    const { encryption } = deriveKeys(newDataKey());
    const plaintext = '{"text":"my parcel came broken"}';
    const sealed = encryptPersonal(encryption, plaintext, 'customer-c1', 'e-1');
    expect(sealed.toString('utf8')).not.toContain('parcel');
    expect(decryptPersonal(encryption, sealed, 'customer-c1', 'e-1')).toBe(plaintext);
    // Random IV: the same plaintext never gives the same bytes twice.
    expect(encryptPersonal(encryption, plaintext, 'customer-c1', 'e-1')).not.toEqual(sealed);
    expect(() => decryptPersonal(encryption, sealed, 'customer-c1', 'e-2')).toThrow();
    expect(() => decryptPersonal(encryption, sealed, 'customer-c2', 'e-1')).toThrow();
    const altered = Buffer.from(sealed);
    altered[altered.length - 1]! ^= 1;
    expect(() => decryptPersonal(encryption, altered, 'customer-c1', 'e-1')).toThrow();
    const unknownFormat = Buffer.from(sealed);
    unknownFormat[0] = 9;
    expect(() => decryptPersonal(encryption, unknownFormat, 'customer-c1', 'e-1')).toThrow(
      /unknown personal data format 9/,
    );
  });

  it('digests plaintext under a key of its own: equal for equal plaintext, unrelated across keys', () => {
    const a = deriveKeys(newDataKey());
    const b = deriveKeys(newDataKey());
    expect(a.mac).not.toEqual(a.encryption);
    const text = '{"email":"jana@example.com"}';
    expect(personalDigest(a.mac, text)).toEqual(personalDigest(a.mac, text));
    expect(personalDigest(a.mac, text)).not.toEqual(personalDigest(a.mac, `${text} `));
    expect(personalDigest(a.mac, text)).not.toEqual(personalDigest(b.mac, text));
  });
});
