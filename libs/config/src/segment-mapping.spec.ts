import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';
import { parseSegmentMappingFile, segmentEventKey } from './segment-mapping';

describe('TOUCHLINE_SEGMENT_MAPPING_FILE', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'touchline-segment-mapping-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fileWith = (name: string, content: unknown): string => {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('is optional: without it there is no mapping configuration', () => {
    expect(loadConfig({}).segmentMapping).toBeUndefined();
  });

  it('reads a valid file, keeping the rules as written and the defaults on unless turned off', () => {
    const file = fileWith('valid.json', {
      events: {
        'NPS Submitted': {
          type: 'survey.nps',
          data: {
            score: { path: 'properties.score', as: 'number' },
            comment: ['properties.comment', 'properties.text'],
            surveyId: { value: 'nps-2026' },
          },
          requires: ['score'],
          channel: 'email',
        },
        'Subscription Paid': {
          type: 'purchase',
          data: {
            orderId: 'properties.invoice_id',
            amount: { sum: 'properties.lines', price: 'unit_price', quantity: 'qty' },
            currency: [{ path: 'properties.currency', as: 'upper' }, { value: 'EUR' }],
            items: {
              each: 'properties.lines',
              item: { sku: { path: 'plan', as: 'string' }, quantity: 'qty', price: 'unit_price' },
            },
          },
          requires: [['orderId'], 'amount'],
          attributes: 'rest',
          omit: ['lines'],
        },
        'Order Completed': { type: 'custom', attributes: 'none' },
      },
    });
    const config = loadConfig({ TOUCHLINE_SEGMENT_MAPPING_FILE: file });
    expect(config.segmentMapping).toMatchObject({ file, defaults: true });
    expect(Object.keys(config.segmentMapping!.events)).toEqual([
      'NPS Submitted',
      'Subscription Paid',
      'Order Completed',
    ]);
    const noDefaults = fileWith('no-defaults.json', { defaults: false, events: {} });
    expect(parseSegmentMappingFile(noDefaults, [])).toEqual({
      file: noDefaults,
      defaults: false,
      events: {},
    });
  });

  it('refuses to start on a missing or unparsable file, naming the variable', () => {
    expect(() => loadConfig({ TOUCHLINE_SEGMENT_MAPPING_FILE: join(dir, 'missing.json') })).toThrow(
      /TOUCHLINE_SEGMENT_MAPPING_FILE cannot be read: ENOENT/,
    );
    const broken = fileWith('broken.json', '{ "events": { ');
    expect(() => loadConfig({ TOUCHLINE_SEGMENT_MAPPING_FILE: broken })).toThrow(
      /TOUCHLINE_SEGMENT_MAPPING_FILE \(.*broken\.json\): is not valid JSON/,
    );
  });

  it('lists every format problem at once, each with its JSON path in the file', () => {
    const file = fileWith('wrong.json', {
      defaults: 'yes',
      extra: 1,
      events: {
        'Order Completed': { type: 'purchase', data: { amount: 'total' }, colour: 'red' },
        'order   completed': { type: 'refund' },
        'No Type': { data: {} },
        Sources: {
          type: 'purchase',
          data: {
            a: { path: 'properties.x', as: 'money' },
            b: { value: null },
            c: [],
            d: [['properties.x']],
            e: { each: 'properties.list', item: {} },
            f: { sum: 'properties.list' },
            g: { nothing: true },
            h: 'properties.__proto__.x',
            i: 'properties..x',
            j: { each: 'properties.list', item: { sku: { each: 'x', item: { a: 'b' } } } },
          },
          requires: ['zz', []],
          attributes: 'all',
          omit: [1],
          channel: '',
        },
      },
    });
    let error: ConfigError | undefined;
    try {
      loadConfig({ TOUCHLINE_SEGMENT_MAPPING_FILE: file });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = error!.problems.map((p) => p.replace(/^.*wrong\.json\): /, ''));
    expect(problems).toEqual([
      'extra: unknown key (expected "events" and optionally "defaults")',
      'defaults: must be true or false',
      'events["Order Completed"].colour: unknown key (expected type, data, requires, channel, attributes, omit)',
      'events["Order Completed"].data.amount: "total" must start with properties, context, event',
      'events["order   completed"]: names the same event as "Order Completed" (case and spacing ignored)',
      'events["No Type"].type: is required: a touchpoint type such as "purchase"',
      'events["Sources"].data.a.as: must be one of string, number, amount, upper, lower, date',
      'events["Sources"].data.b.value: must be a non-empty string, a number or a boolean',
      'events["Sources"].data.c: a list of sources must hold 1 to 10 sources',
      'events["Sources"].data.d[0]: a list of sources cannot hold another list',
      'events["Sources"].data.e.item: must be an object of item field → source (paths within the item)',
      'events["Sources"].data.f.price: must be a path within an item',
      'events["Sources"].data.g: a source object needs one of the keys path, value, each or sum',
      'events["Sources"].data.h: "properties.__proto__.x" uses a forbidden name (__proto__, constructor, prototype)',
      'events["Sources"].data.i: "properties..x" is not a path of 1 to 8 dot-separated names',
      'events["Sources"].data.j.item.sku: a list inside a list item is not supported',
      'events["Sources"].requires[0]: "zz" is not a field of "data"',
      'events["Sources"].requires[1]: must be a field name or a non-empty list of them',
      'events["Sources"].channel: must be a channel name such as "email"',
      'events["Sources"].attributes: must be "rest" or "none"',
      'events["Sources"].omit: must be an array of property names',
    ]);
    expect(error!.message).toMatch(/^Invalid configuration:\n {2}- TOUCHLINE_SEGMENT_MAPPING_FILE/);
  });

  it('matches event names ignoring case and runs of white space', () => {
    expect(segmentEventKey('  Order   Completed ')).toBe('order completed');
    expect(segmentEventKey('ORDER\tCOMPLETED')).toBe('order completed');
  });
});
