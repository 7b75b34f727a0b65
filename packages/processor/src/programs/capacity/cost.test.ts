import { fleetCost } from './cost';

const report = { hours: 72, pricePerHour: 0.192, onDemandBase: 2, spotDiscount: 0.7 };

describe('fleetCost', () => {
  it('charges the on-demand base in full and discounts only the spot instances', () => {
    // 2 × 72 × 0.192 + 132 × 72 × 0.192 × 0.3
    expect(fleetCost({ instances: 134, ...report })).toBeCloseTo(2 * 72 * 0.192 + 132 * 72 * 0.192 * 0.3, 6);
    expect(fleetCost({ instances: 134, ...report })).toBeCloseTo(575.08, 2);
  });

  it('is the full on-demand price without a spot discount', () => {
    expect(fleetCost({ instances: 134, ...report, spotDiscount: 0 })).toBeCloseTo(134 * 72 * 0.192, 6);
  });

  it('buys everything on demand when the fleet is no larger than the base', () => {
    expect(fleetCost({ instances: 1, ...report })).toBeCloseTo(72 * 0.192, 6);
    expect(fleetCost({ instances: 2, ...report })).toBeCloseTo(2 * 72 * 0.192, 6);
  });

  it('is zero for no instances or no time', () => {
    expect(fleetCost({ instances: 0, ...report })).toBe(0);
    expect(fleetCost({ instances: 10, ...report, hours: 0 })).toBe(0);
  });

  it('rejects negative, non-finite and out-of-range inputs, naming the field', () => {
    expect(() => fleetCost({ instances: -1, ...report })).toThrow(/instances/);
    expect(() => fleetCost({ instances: 3, ...report, hours: Number.NaN })).toThrow(/hours/);
    expect(() => fleetCost({ instances: 3, ...report, spotDiscount: 1.5 })).toThrow(/spotDiscount/);
  });
});
