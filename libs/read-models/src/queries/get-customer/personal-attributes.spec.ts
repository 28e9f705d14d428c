import type { JsonObject } from '@touchline/event-store';
import { ERASED_VALUE, foldPersonalAttributes, type AttributeEvent } from './personal-attributes';

const updated = (attributes: JsonObject): AttributeEvent => ({ kind: 'updated', attributes });

describe('foldPersonalAttributes (customer_profile merge rule, with values)', () => {
  it('merges attribute by attribute in the given order; null clears one', () => {
    const fold = foldPersonalAttributes(
      [
        updated({ email: 'a@example.com', firstName: 'Ana', city: 'Porto' }),
        updated({ email: 'ana@example.com', city: null }),
      ],
      ['email', 'firstName'],
    );
    expect(fold).toEqual({
      attributes: { email: 'ana@example.com', firstName: 'Ana' },
      erasedAt: null,
      erasedKeyIds: [],
      decrypted: 2,
      erased: 0,
    });
  });

  it('customer.erased clears everything before it; later updates count again', () => {
    const fold = foldPersonalAttributes(
      [
        updated({ email: 'a@example.com' }),
        { kind: 'unreadable', keyId: 'k-old' },
        { kind: 'erased', at: '2026-03-01T00:00:00.000Z' },
        updated({ phone: '+351 900 000 000' }),
      ],
      ['phone'],
    );
    expect(fold).toMatchObject({
      attributes: { phone: '+351 900 000 000' },
      erasedAt: '2026-03-01T00:00:00.000Z',
      erasedKeyIds: [],
      decrypted: 1,
      erased: 0,
    });
  });

  it('an unreadable update hides what it set: names the read model lists show as erased, never a possibly stale value', () => {
    const fold = foldPersonalAttributes(
      [
        updated({ email: 'old@example.com', firstName: 'Ana', nickname: 'an' }),
        { kind: 'unreadable', keyId: 'k-1' },
        updated({ firstName: 'Ana Maria' }),
      ],
      // The read model applied the unreadable event while it could: email and loyaltyId are set,
      // nickname was cleared by it.
      ['email', 'firstName', 'loyaltyId'],
    );
    expect(fold.attributes).toEqual({
      email: ERASED_VALUE,
      firstName: 'Ana Maria',
      loyaltyId: ERASED_VALUE,
    });
    expect(fold).toMatchObject({ erasedAt: null, erasedKeyIds: ['k-1'], decrypted: 1, erased: 2 });
  });

  it('a value that reads "[erased]" is still a decrypted value', () => {
    const fold = foldPersonalAttributes([updated({ note: ERASED_VALUE })], ['note']);
    expect(fold).toMatchObject({ decrypted: 1, erased: 0 });
  });
});
