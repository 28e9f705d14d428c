import { CLOUDEVENT_ID_NAMESPACE, eventIdForCloudEvent, uuidV5 } from './stable-event-id';

describe('eventIdForCloudEvent', () => {
  it('computes RFC 9562 UUIDv5 (the RFC example: DNS namespace, www.example.com)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('keeps a uuid id as it is, lower-cased, whatever the source', () => {
    const id = 'D52D8950-C2DB-4E08-9852-AF3D326B1F43';
    expect(eventIdForCloudEvent('/shop', id)).toBe(id.toLowerCase());
    expect(eventIdForCloudEvent('/crm', id)).toBe(id.toLowerCase());
  });

  it('derives a stable uuid from source and id for any other id', () => {
    const a = eventIdForCloudEvent('/shop/orders', 'order-4711');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventIdForCloudEvent('/shop/orders', 'order-4711')).toBe(a);
    expect(a).toBe(uuidV5(CLOUDEVENT_ID_NAMESPACE, '/shop/orders\norder-4711'));
    // CloudEvents identity is source + id: the same id from another source is another event.
    expect(eventIdForCloudEvent('/crm', 'order-4711')).not.toBe(a);
  });

  it('derives one for uuid-like ids the catalogue refuses (nil, max, version 0)', () => {
    for (const id of [
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      'd52d8950-c2db-0e08-9852-af3d326b1f43',
    ]) {
      expect(eventIdForCloudEvent('/shop', id)).not.toBe(id);
    }
  });
});
