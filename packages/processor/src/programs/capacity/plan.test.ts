import { fleetCost } from './cost';
import { planLoad, type PlanInput } from './plan';

/** The performance report's inputs: 5,000,000 files in 72 h at 520 files/h per c5.xlarge. */
const report: PlanInput = {
  files: 5_000_000,
  hours: 72,
  filesPerHour: 520,
  pricePerHour: 0.192,
  spotDiscount: 0.7,
  onDemandBase: 2,
  minInstances: 2,
  monthlyFiles: 0,
};

describe('planLoad', () => {
  it("gives the report's 134 instances and the spot-discounted cost the report missed", () => {
    const p = planLoad(report);
    expect(p.instances).toBe(134);
    expect(p.bound).toBe('workers');
    expect(p.hours).toBe(72);
    expect(p.cost).toBeCloseTo(575.08, 2);
    // The report's "$1,855" is this fleet at the full on-demand price.
    expect(p.onDemandCost).toBeCloseTo(134 * 72 * 0.192, 6);
    expect(p.asgFit).toBe('initial-load');
    expect(p.requiredScannerRate).toBeCloseTo(5_000_000 / (72 * 60), 6);
  });

  it('is bound by a scanner slower than the deadline needs, and says what rate the deadline needs', () => {
    const p = planLoad({ ...report, scannerRate: 100 });
    expect(p.bound).toBe('scanner');
    expect(p.deadlineMet).toBe(false);
    expect(p.scannerHours).toBeCloseTo(50_000 / 60, 6); // ~34.7 days
    expect(p.requiredScannerRate).toBeCloseTo(1157.407, 3);
    // 100 files/min = 6,000 files/h: 12 instances at 520/h keep pace; 134 would only wait.
    expect(p.instances).toBe(12);
    expect(p.instancesForDeadline).toBe(134);
    expect(p.hours).toBeCloseTo(p.scannerHours!, 9);
    expect(p.cost).toBeCloseTo(fleetCost({ instances: 12, hours: p.scannerHours!, pricePerHour: 0.192, onDemandBase: 2, spotDiscount: 0.7 }), 9);
  });

  it('is bound by the workers when the scanner is fast enough', () => {
    const p = planLoad({ ...report, scannerRate: 2000 });
    expect(p.bound).toBe('workers');
    expect(p.deadlineMet).toBe(true);
    expect(p.instances).toBe(134);
    expect(p.scannerHours).toBeCloseTo(5_000_000 / 2000 / 60, 6);
  });

  it('never plans below the minimum and ignores floating-point dust in the ceiling', () => {
    expect(planLoad({ ...report, files: 100 }).instances).toBe(2);
    expect(planLoad({ ...report, files: 520 * 72 * 10 }).instances).toBe(10);
    expect(planLoad({ ...report, files: 520 * 72 * 10 + 1 }).instances).toBe(11);
  });

  it('says when even the initial-load max is not enough', () => {
    const p = planLoad({ ...report, hours: 24 });
    expect(p.instances).toBe(401);
    expect(p.asgFit).toBe('over-max');
    expect(planLoad({ ...report, hours: 720 }).asgFit).toBe('normal');
  });

  it('prices the steady state: the idle minimum, or the average fleet the monthly files need', () => {
    expect(planLoad(report).monthlyInstances).toBe(2);
    expect(planLoad(report).monthlyCost).toBeCloseTo(2 * 730 * 0.192, 6);
    const busy = planLoad({ ...report, monthlyFiles: 1_000_000 });
    expect(busy.monthlyInstances).toBeCloseTo(1_000_000 / (730 * 520), 9);
    expect(busy.monthlyCost).toBeCloseTo(730 * 0.192 * (2 + (busy.monthlyInstances - 2) * 0.3), 6);
  });

  it('rejects a load it cannot plan', () => {
    expect(() => planLoad({ ...report, hours: 0 })).toThrow(RangeError);
    expect(() => planLoad({ ...report, filesPerHour: 0 })).toThrow(RangeError);
  });
});
