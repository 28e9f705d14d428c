import type { Random } from './random';
import { KEYS } from './keys';
import { touchpoint } from './touchpoints';

/** One generated bad request: what it breaks, and the bytes sent. */
export interface BadRequest {
  category: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
const AUTH = { Authorization: `Bearer ${KEYS.ingest}` };

const SEGMENT_ROUTES = ['/v1/track', '/v1/identify', '/v1/page', '/v1/screen', '/v1/group'];

type Obj = Record<string, unknown>;

function nativeTouchpoint(random: Random): Obj {
  return touchpoint(random, `c-bad-${random.int(0, 50)}`, 'rel-bad');
}

function segmentCall(random: Random, type: string): Obj {
  const call: Obj = {
    type,
    messageId: random.uuid(),
    userId: `c-bad-${random.int(0, 50)}`,
    timestamp: new Date(Date.now() - 60_000).toISOString(),
    context: { library: { name: 'analytics-node', version: '2.1.0' } },
  };
  if (type === 'track') {
    call.event = 'Order Completed';
    call.properties = { order_id: `o-${random.int(1, 9999)}`, total: 12.5, currency: 'EUR' };
  } else if (type === 'identify') call.traits = { plan: 'pro' };
  else if (type === 'page' || type === 'screen') call.name = 'Home';
  else if (type === 'group') call.groupId = 'g-1';
  return call;
}

/** A valid body of one of the routes, to be broken by a mutation. */
function validBody(random: Random): {
  path: string;
  body: Obj;
  kind: 'native' | 'segment';
  items: Obj[];
} {
  switch (random.int(0, 3)) {
    case 0: {
      const t = nativeTouchpoint(random);
      return { path: '/v1/touchpoints', body: t, kind: 'native', items: [t] };
    }
    case 1: {
      const items = Array.from({ length: random.int(1, 5) }, () => nativeTouchpoint(random));
      return { path: '/v1/touchpoints/batch', body: { touchpoints: items }, kind: 'native', items };
    }
    case 2: {
      const items = Array.from({ length: random.int(1, 5) }, () =>
        segmentCall(random, random.pick(['track', 'identify', 'page'])),
      );
      return { path: '/v1/batch', body: { batch: items }, kind: 'segment', items };
    }
    default: {
      const path = random.pick(SEGMENT_ROUTES);
      const call = segmentCall(random, path.slice('/v1/'.length));
      return { path, body: call, kind: 'segment', items: [call] };
    }
  }
}

/** Breaks one item of a valid body in place so that it must be refused with 400. */
function breakItem(
  random: Random,
  kind: 'native' | 'segment',
  item: Obj,
  inBatch: boolean,
): string {
  if (kind === 'native') {
    switch (random.int(0, 9)) {
      case 0:
        item.eventId = random.pick([
          42,
          'not-a-uuid',
          null,
          ['x'],
          '00000000-0000-0000-0000-000000000000',
        ]);
        return 'wrong type: eventId';
      case 1:
        item.occurredAt = random.pick([true, 1710000000, '14/03/2026', '2026-03-14T15:09:26', '']);
        return 'wrong type: occurredAt';
      case 2:
        item.channel = random.pick([7, 'carrier-pigeon', {}, null]);
        return 'wrong type: channel';
      case 3:
        item.data = random.pick(['x', 5, [], null]);
        return 'wrong type: data';
      case 4:
        item.sentiment = random.pick(['high', 2, -1.5, {}]);
        return 'wrong type: sentiment';
      case 5:
        item.type = random.pick(['explode', 42, '', 'Purchase']);
        return 'wrong type: type';
      case 6: {
        const field = random.pick(['eventId', 'type', 'occurredAt', 'channel', 'data']);
        delete item[field];
        return `missing field: ${field}`;
      }
      case 7:
        delete item.customerId;
        delete item.anonymousId;
        return 'missing field: customerId and anonymousId';
      case 8:
        item.customerId = random.pick([{}, 12, 'jana.novak@example.com', 'c '.repeat(3)]);
        return 'wrong type: customerId';
      default:
        item.extraField = 'x';
        return 'unknown field';
    }
  }
  switch (random.int(0, 6)) {
    case 0:
      delete item.messageId;
      return 'segment: missing messageId';
    case 1:
      item.messageId = random.pick([42, {}, '', null]);
      return 'segment: wrong type messageId';
    case 2:
      delete item.userId;
      delete item.anonymousId;
      return 'segment: no userId nor anonymousId';
    case 3:
      item.userId = random.pick([{}, ['x'], true]);
      return 'segment: bad userId';
    case 4:
      item.timestamp = random.pick(['yesterday', 12, '2026-13-45T99:00:00Z']);
      return 'segment: bad timestamp';
    case 5:
      // Only a batch reads each call's type; a single-call route takes it from the path.
      if (!inBatch) {
        delete item.messageId;
        return 'segment: missing messageId';
      }
      item.type = random.pick(['explode', 7, null]);
      return 'segment: bad type';
    default:
      item.properties = { huge: 'x'.repeat(40_000) };
      return 'segment: call over 32 KB';
  }
}

function nest(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/**
 * The generator: each call returns one request that a correct service must refuse with a 4xx and
 * a message, writing nothing. Seeded: the same seed gives the same requests in the same order.
 */
export function badRequest(random: Random, oversizedBatch: string): BadRequest {
  const { path, body, kind, items } = validBody(random);
  const json = (value: unknown, category: string): BadRequest => ({
    category,
    path,
    headers: { ...AUTH, ...JSON_TYPE },
    body: JSON.stringify(value),
  });
  const roll = random.int(0, 99);
  if (roll < 30) {
    const category = breakItem(random, kind, random.pick(items), path === '/v1/batch');
    return json(body, category);
  }
  if (roll < 36) {
    const item = random.pick(items);
    if (random.chance(0.5)) {
      item[kind === 'native' ? 'customerId' : 'userId'] = 'c'.repeat(random.int(300, 200_000));
      return json(body, 'huge string: id');
    }
    return {
      ...json(body, 'huge string: body over 1 MB'),
      body: JSON.stringify({ ...body, pad: 'x'.repeat(1_100_000) }),
    };
  }
  if (roll < 42) {
    const depth = random.int(6_000, 20_000);
    const objects = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const arrays = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    if (random.chance(0.3))
      return { ...json(body, 'deep nesting: whole body'), body: random.pick([objects, arrays]) };
    if (kind === 'native') {
      // data.attributes takes 3 levels at most; 4 to 60 here.
      (random.pick(items).data as Obj).attributes = nest(random.int(4, 60), 1) as Obj;
      return json(body, 'deep nesting: data.attributes');
    }
    if (path === '/v1/batch')
      return { ...json(body, 'deep nesting: batch'), body: `{"batch":${arrays}}` };
    // The last "context" wins in JSON.parse: a context nested thousands deep (and over 32 KB).
    const text = JSON.stringify(body);
    return {
      ...json(body, 'deep nesting: context'),
      body: `${text.slice(0, -1)},"context":${objects}}`,
    };
  }
  if (roll < 48) {
    const text = Buffer.from(JSON.stringify(body), 'utf8');
    const at = text.indexOf('"', random.int(1, text.length - 2)) + 1 || 1;
    const bad = random.pick([[0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xe2, 0x82]]);
    return {
      ...json(body, 'invalid UTF-8'),
      body: Buffer.concat([text.subarray(0, at), Buffer.from(bad), text.subarray(at)]),
    };
  }
  if (roll < 56) {
    const key = random.pick(['__proto__', 'constructor', 'prototype']);
    const text = JSON.stringify(body);
    const where = random.int(0, 2);
    if (where === 0)
      return {
        ...json(body, `${key} key: top level`),
        body: `{"${key}": {"admin": true}, ${text.slice(1)}`,
      };
    const item = random.pick(items);
    const raw = JSON.stringify(item);
    const inner =
      kind === 'native'
        ? raw.replace('"data":{', `"data":{"${key}":{"polluted":1},`)
        : raw.replace('{', `{"${key}":{"polluted":1},`);
    return { ...json(body, `${key} key: inside an item`), body: text.replace(raw, inner) };
  }
  if (roll < 64) {
    const type = random.pick([
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=iso-8859-1',
      'application/json; charset=utf-16',
      'application/xml',
      null,
    ]);
    const req = json(body, `content type: ${type ?? 'none'}`);
    const headers: Record<string, string> = { ...AUTH };
    if (type) headers['Content-Type'] = type;
    return { ...req, headers };
  }
  if (roll < 72) {
    const text = JSON.stringify(body);
    return { ...json(body, 'truncated body'), body: text.slice(0, random.int(0, text.length - 1)) };
  }
  if (roll < 75) {
    return {
      category: 'oversized batch: 1,001 touchpoints',
      path: '/v1/touchpoints/batch',
      headers: { ...AUTH, ...JSON_TYPE },
      body: oversizedBatch,
    };
  }
  if (roll < 80) {
    const variant = random.int(0, 4);
    const body2 =
      path === '/v1/touchpoints/batch'
        ? random.pick([
            { touchpoints: 'x' },
            { touchpoints: [] },
            {},
            { touchpoints: [items[0], items[0]] },
          ])
        : path === '/v1/batch'
          ? random.pick([
              { batch: 'x' },
              {},
              // one messageId, two contents: a 400 within a request
              {
                batch: [
                  items[0],
                  { ...items[0], timestamp: new Date(Date.now() - 7_200_000).toISOString() },
                ],
              },
            ])
          : random.pick([[body], 'just a string', 42, null]);
    return variant === 0 ? { ...json(body, 'empty body'), body: '' } : json(body2, 'wrong shape');
  }
  const auth = random.pick([
    undefined,
    'Bearer',
    'Bearer not-a-key-of-this-service-1234',
    `Bearer ${KEYS.analyst}`,
    'Basic !!!not-base64!!!',
    `Basic ${Buffer.from('wrong-key-0123456789abcdef:').toString('base64')}`,
    `Token ${KEYS.ingest}`,
    `Bearer ${KEYS.ingest.slice(0, -1)}`,
    `Bearer ${'k'.repeat(10_000)}`,
  ]);
  const headers: Record<string, string> = { ...JSON_TYPE };
  if (auth !== undefined) headers.Authorization = auth;
  // A valid body: only the key is wrong, so an auth bug would show up as a write.
  return {
    category: `bad auth: ${auth === undefined ? 'none' : auth.slice(0, 14)}`,
    path,
    headers,
    body: JSON.stringify(body),
  };
}
