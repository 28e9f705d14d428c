import { checkJsonShape, JSON_BODY_MAX_DEPTH } from './json-body-parser';

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

describe('checkJsonShape', () => {
  it('accepts ordinary bodies, including the deepest allowed nesting', () => {
    expect(
      checkJsonShape({ touchpoints: [{ data: { attributes: { a: [1, { b: null }] } } }] }),
    ).toBeUndefined();
    expect(checkJsonShape(nested(JSON_BODY_MAX_DEPTH))).toBeUndefined();
    expect(checkJsonShape('text')).toBeUndefined();
  });

  it('refuses nesting deeper than the limit, without overflowing on hostile depths', () => {
    expect(checkJsonShape(nested(JSON_BODY_MAX_DEPTH + 1))).toMatchObject({
      status: 400,
      type: 'entity.too.deep',
    });
    expect(checkJsonShape(JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)))).toMatchObject({
      type: 'entity.too.deep',
    });
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s anywhere', (key) => {
    const body = JSON.parse(`{"batch":[{"context":{"traits":{"${key}":{"admin":true}}}}]}`);
    expect(checkJsonShape(body)).toMatchObject({ status: 400, type: 'entity.unsafe.key' });
    expect(checkJsonShape({ ok: { [`${key}x`]: 1 } })).toBeUndefined();
  });
});
