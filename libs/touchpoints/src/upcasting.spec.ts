import type { JsonObject } from '@touchline/event-store';
import { CURRENT_VERSIONS } from './catalogue';
import { EVENT_TYPES } from './event-types';
import { touchpointExample } from './examples';
import {
  TOUCHPOINT_UPCASTERS,
  touchpointUpcasters,
  UpcasterRegistry,
  UpcastError,
  type Upcaster,
} from './upcasting';
import { validateEventData } from './validation/validate-touchpoint';

/*
 * Every type is at version 1, so production has no upcasters. The versions below are made up
 * for these tests only: a "v0" purchase that stored the total in minor units as `total` and the
 * currency as `currencyCode`.
 */
const purchaseV0toV1: Upcaster = (data) => {
  const { total, currencyCode, ...rest } = data;
  return { ...rest, amount: (total as number) / 100, currency: currencyCode as string };
};

describe('UpcasterRegistry', () => {
  it('lifts a (made-up) v0 purchase to the current shape, which then validates', () => {
    const registry = new UpcasterRegistry({ purchase: 1 }, [
      { type: 'purchase', fromVersion: 0, upcast: purchaseV0toV1 },
    ]);
    const v0: JsonObject = { orderId: 'SO-1', total: 8497, currencyCode: 'EUR' };
    const upcast = registry.upcast({ type: 'purchase', version: 0, data: v0 });
    expect(upcast).toEqual({
      version: 1,
      data: { orderId: 'SO-1', amount: 84.97, currency: 'EUR' },
    });
    expect(validateEventData('purchase', upcast.data)).toEqual([]);
    expect(v0).toEqual({ orderId: 'SO-1', total: 8497, currencyCode: 'EUR' });
  });

  it('runs a chain step by step, each seeing the version it lifts from and the metadata', () => {
    const seen: string[] = [];
    const step =
      (field: string): Upcaster =>
      (data, context) => {
        seen.push(`${context.type}@${context.fromVersion} ${String(context.metadata.source)}`);
        return { ...data, [field]: true };
      };
    const registry = new UpcasterRegistry({ 'test.widget': 4 }, [
      { type: 'test.widget', fromVersion: 3, upcast: step('c') },
      { type: 'test.widget', fromVersion: 1, upcast: step('a') },
      { type: 'test.widget', fromVersion: 2, upcast: step('b') },
    ]);
    const metadata = { source: 'old-shop' };
    expect(registry.upcast({ type: 'test.widget', version: 1, data: {}, metadata })).toEqual({
      version: 4,
      data: { a: true, b: true, c: true },
    });
    expect(registry.upcast({ type: 'test.widget', version: 3, data: {} })).toEqual({
      version: 4,
      data: { c: true },
    });
    expect(seen).toEqual([
      'test.widget@1 old-shop',
      'test.widget@2 old-shop',
      'test.widget@3 old-shop',
      'test.widget@3 undefined',
    ]);
  });

  it('hands the upcasters a copy, so a careless one cannot change the stored event', () => {
    const mutating: Upcaster = (data) => {
      data.orderId = 'changed';
      return data;
    };
    const registry = new UpcasterRegistry({ purchase: 2 }, [
      { type: 'purchase', fromVersion: 1, upcast: mutating },
    ]);
    const stored: JsonObject = { orderId: 'SO-1' };
    expect(registry.upcast({ type: 'purchase', version: 1, data: stored }).data).toEqual({
      orderId: 'changed',
    });
    expect(stored).toEqual({ orderId: 'SO-1' });
  });

  it('returns current events as they are, without copying', () => {
    const data = touchpointExample('purchase').data as unknown as JsonObject;
    expect(touchpointUpcasters.upcast({ type: 'purchase', version: 1, data }).data).toBe(data);
  });

  it('refuses, when built, a gap, a duplicate, a step at or above the current version and an unknown type', () => {
    const noop: Upcaster = (d) => d;
    expect(
      () =>
        new UpcasterRegistry({ x: 4 }, [
          { type: 'x', fromVersion: 1, upcast: noop },
          { type: 'x', fromVersion: 3, upcast: noop },
        ]),
    ).toThrow('Upcasters for x have a gap: none from v2 to v3');
    expect(
      () =>
        new UpcasterRegistry({ x: 2 }, [
          { type: 'x', fromVersion: 1, upcast: noop },
          { type: 'x', fromVersion: 1, upcast: noop },
        ]),
    ).toThrow('Two upcasters for x from v1');
    expect(
      () => new UpcasterRegistry({ x: 2 }, [{ type: 'x', fromVersion: 2, upcast: noop }]),
    ).toThrow(/must start below the current version 2/);
    expect(
      () => new UpcasterRegistry({ x: 2 }, [{ type: 'y', fromVersion: 1, upcast: noop }]),
    ).toThrow('Upcaster for unknown event type y');
  });

  it('throws UpcastError on read for a newer version, a missing step or an unknown type', () => {
    const registry = new UpcasterRegistry({ x: 3 }, [
      { type: 'x', fromVersion: 2, upcast: (d) => d },
    ]);
    expect(() => registry.upcast({ type: 'x', version: 4, data: {} })).toThrow(
      /x v4 was written by a newer touchline/,
    );
    expect(() => registry.upcast({ type: 'x', version: 1, data: {} })).toThrow(
      new UpcastError('No upcaster for x from v1', 'x', 1),
    );
    expect(() => registry.upcast({ type: 'z', version: 1, data: {} })).toThrow(UpcastError);
  });
});

describe('the production upcasters', () => {
  it('are none yet (every type is at version 1) and cover every type', () => {
    expect(TOUCHPOINT_UPCASTERS).toEqual([]);
    for (const type of EVENT_TYPES) {
      expect(touchpointUpcasters.currentVersion(type)).toBe(CURRENT_VERSIONS[type]);
    }
  });
});
