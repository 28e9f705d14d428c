import { attributesProblems, cloneAttributes, profileAttributesProblems } from './attributes';
import { joinPath, memberPath, prefixPath } from './paths';
import { isPlainObject, isStorableString } from './text';
import { calendarDateProblem, parseTimestamp } from './timestamp';

describe('parseTimestamp', () => {
  it.each([
    ['2026-03-14T15:09:26Z', '2026-03-14T15:09:26.000Z'],
    ['2026-03-14T15:09:26.5Z', '2026-03-14T15:09:26.500Z'],
    ['2026-03-14T15:09:26.123456789Z', '2026-03-14T15:09:26.123Z'],
    ['2026-03-14T15:09:26+01:00', '2026-03-14T14:09:26.000Z'],
    ['2026-03-14T00:30:00-05:45', '2026-03-14T06:15:00.000Z'],
    ['2024-02-29T23:59:59-00:00', '2024-02-29T23:59:59.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['1969-12-31T23:00:00-01:00', '1970-01-01T00:00:00.000Z'],
  ])('%s is %s', (text, iso) => {
    const parsed = parseTimestamp(text);
    expect(parsed.ok && new Date(parsed.epochMs).toISOString()).toBe(iso);
  });

  it.each([
    ['2026-03-14T15:09:26', /timezone/],
    ['2026-03-14t15:09:26z', /timezone/],
    ['2026-03-14T15:09:26+0100', /timezone/],
    ['2026-03-14T15:09Z', /timezone/],
    ['2026-3-14T15:09:26Z', /timezone/],
    ['2026-03-14T15:09:26.Z', /timezone/],
    ['2026-03-14T15:09:26Z ', /timezone/],
    [' 2026-03-14T15:09:26Z', /timezone/],
    ['２０２６-03-14T15:09:26Z', /timezone/],
    ['1900-02-29T00:00:00Z', /calendar date/],
    ['2026-00-10T00:00:00Z', /calendar date/],
    ['2026-03-00T00:00:00Z', /calendar date/],
    ['2026-03-14T15:60:00Z', /time of day/],
    ['2026-03-14T15:00:00+05:60', /offset/],
    ['1969-12-31T23:59:59.999Z', /before 1970/],
    [null, /timezone/],
    [Date.now(), /timezone/],
    ['x'.repeat(1_000_000), /timezone/],
  ])('refuses %p', (value, problem) => {
    const parsed = parseTimestamp(value);
    expect(parsed.ok ? 'ok' : parsed.problem).toMatch(problem);
  });

  it('calendar dates (birth dates) are YYYY-MM-DD from 1900 on', () => {
    expect(calendarDateProblem('1988-02-29')).toBeUndefined();
    expect(calendarDateProblem('1989-02-29')).toMatch(/calendar date/);
    expect(calendarDateProblem('1899-12-31')).toMatch(/from 1900/);
    expect(calendarDateProblem('1988-2-29')).toMatch(/YYYY-MM-DD/);
  });
});

describe('paths', () => {
  it('use dots for identifiers and brackets for anything else', () => {
    expect(joinPath('', 'data')).toBe('data');
    expect(joinPath('data', 'amount')).toBe('data.amount');
    expect(joinPath('data.attributes', 'a.b')).toBe('data.attributes["a.b"]');
    expect(joinPath('', '0')).toBe('["0"]');
    expect(joinPath('', 'x'.repeat(100))).toBe(`["${'x'.repeat(64)}…"]`);
    expect(memberPath('', 'k')).toBe('.k');
    expect(memberPath('.a', 'odd key')).toBe('.a["odd key"]');
    expect(prefixPath('data.attributes', '')).toBe('data.attributes');
    expect(prefixPath('data.attributes', '.a[1]')).toBe('data.attributes.a[1]');
    expect(prefixPath('', '.a')).toBe('a');
  });
});

describe('text and objects', () => {
  it('refuse strings PostgreSQL jsonb cannot store', () => {
    expect(isStorableString('Dlouhá 12 😀')).toBe(true);
    expect(isStorableString('a\u0000b')).toBe(false);
    expect(isStorableString('\ud83d')).toBe(false);
    expect(isStorableString('\ude00x')).toBe(false);
  });

  it('recognise plain objects from any realm, and nothing else', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject(structuredClone({ a: 1 }))).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(new Date())).toBe(false);
    expect(isPlainObject(new (class Foo {})())).toBe(false);
    expect(isPlainObject(null)).toBe(false);
  });
});

describe('attributes', () => {
  it('report every problem with a path relative to the attributes', () => {
    expect(
      attributesProblems({
        a: { b: { c: { d: 1 } } },
        n: Number.NaN,
        f: () => 1,
        'x y': [undefined],
      }),
    ).toEqual([
      { path: '.a.b.c', message: 'nests deeper than 3 levels of attributes' },
      { path: '.n', message: 'must be a finite number' },
      {
        path: '.f',
        message: 'must be a JSON value (string, number, boolean, null, array or object)',
      },
      {
        path: '["x y"][0]',
        message: 'must be a JSON value (string, number, boolean, null, array or object)',
      },
    ]);
  });

  it('measure the size as JSON bytes, stopping early on a huge value', () => {
    const started = Date.now();
    expect(attributesProblems({ s: 'x'.repeat(50_000_000) })).toEqual([
      { path: '', message: 'must serialize to at most 8192 bytes of JSON' },
    ]);
    expect(Date.now() - started).toBeLessThan(500);
    expect(attributesProblems({ q: '"'.repeat(4093) })).toEqual([
      { path: '', message: 'must serialize to at most 8192 bytes of JSON' },
    ]);
    expect(attributesProblems({ q: '"'.repeat(4092) })).toEqual([]);
  });

  it('copy deeply, dropping undefined members', () => {
    const source = { a: { b: [1, { c: 'x' }] }, gone: undefined };
    const copy = cloneAttributes(source);
    expect(copy).toEqual({ a: { b: [1, { c: 'x' }] } });
    expect(copy).not.toHaveProperty('gone');
    expect((copy.a as { b: unknown[] }).b).not.toBe(source.a.b);
  });

  it('check known profile attributes and accept others', () => {
    expect(
      profileAttributesProblems({
        email: 'a@example.com',
        phone: '+4930123456',
        shoeSize: 42,
        timeZone: 'UTC',
      }),
    ).toEqual([]);
    expect(profileAttributesProblems({ firstName: '', address: 'Dlouhá 12' })).toEqual([
      { path: '.firstName', message: 'firstName must be a string of 1 to 200 characters' },
      { path: '.address', message: 'address must be an object' },
    ]);
  });
});
