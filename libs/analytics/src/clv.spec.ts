import { bgnbdConditionalExpectedPurchases } from './bgnbd';
import { customerLifetimeValue } from './clv';
import { gammaGammaConditionalExpectedValue } from './gamma-gamma';

const BGNBD = { r: 0.243, alpha: 30.898, a: 0.793, b: 2.426 };
const GG = { p: 6.25, q: 3.74, gamma: 15.44 };
const CUSTOMER = { x: 4, t_x: 200, T: 250, monetary: 42 };

describe('customerLifetimeValue', () => {
  const orderValue = gammaGammaConditionalExpectedValue(GG, CUSTOMER.x, CUSTOMER.monetary) ?? NaN;
  const cumulative = (days: number): number =>
    bgnbdConditionalExpectedPurchases(BGNBD, days, CUSTOMER);

  it('is the discounted sum of monthly expected purchases times the expected order value', () => {
    let expected = 0;
    for (let month = 1; month <= 12; month++) {
      expected +=
        (orderValue * (cumulative(30 * month) - cumulative(30 * (month - 1)))) / 1.01 ** month;
    }
    expect(customerLifetimeValue(BGNBD, GG, CUSTOMER)).toBeCloseTo(expected, 10);
  });

  it('without discounting is expected purchases over the horizon × expected order value', () => {
    expect(
      customerLifetimeValue(BGNBD, GG, CUSTOMER, { months: 6, monthlyDiscountRate: 0 }),
    ).toBeCloseTo(cumulative(180) * orderValue, 10);
    expect(customerLifetimeValue(BGNBD, GG, CUSTOMER, { months: 0 })).toBe(0);
  });

  it('falls as the discount rate rises and grows with the horizon', () => {
    const at = (rate: number, months = 12): number =>
      customerLifetimeValue(BGNBD, GG, CUSTOMER, { monthlyDiscountRate: rate, months }) ?? NaN;
    expect(at(0.02)).toBeLessThan(at(0.01));
    expect(at(0.01)).toBeLessThan(at(0));
    expect(at(0.01, 24)).toBeGreaterThan(at(0.01, 12));
  });

  it('values a one-time buyer at the population order value', () => {
    const oneTimer = { x: 0, t_x: 0, T: 100, monetary: 0 };
    const value = customerLifetimeValue(BGNBD, GG, oneTimer, { monthlyDiscountRate: 0, months: 1 });
    const populationMean = (GG.p * GG.gamma) / (GG.q - 1);
    expect(value).toBeCloseTo(
      bgnbdConditionalExpectedPurchases(BGNBD, 30, oneTimer) * populationMean,
      10,
    );
  });

  it('is null when the expected order value does not exist, and validates options', () => {
    expect(
      customerLifetimeValue(BGNBD, { ...GG, q: 0.5 }, { x: 0, t_x: 0, T: 10, monetary: 0 }),
    ).toBeNull();
    expect(() => customerLifetimeValue(BGNBD, GG, CUSTOMER, { months: 1.5 })).toThrow(RangeError);
    expect(() => customerLifetimeValue(BGNBD, GG, CUSTOMER, { monthlyDiscountRate: -1 })).toThrow(
      RangeError,
    );
    expect(() => customerLifetimeValue(BGNBD, GG, CUSTOMER, { timeUnitsPerMonth: 0 })).toThrow(
      RangeError,
    );
  });
});
