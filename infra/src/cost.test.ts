import { readFileSync } from 'node:fs';
import { README, costSection, readmeCostSection } from '../scripts/cost';
import { loadEnvironment, parseEnvironment } from './config/load';
import { ENVIRONMENTS } from './config/environments';
import { environmentCost, onDemandInstances } from './cost';

describe('fleet cost', () => {
  it('buys the base and 20% of the instances above it on demand', () => {
    expect(onDemandInstances(1, 2, 20)).toBe(1);
    expect(onDemandInstances(2, 2, 20)).toBe(2);
    expect(onDemandInstances(12, 2, 20)).toBe(4);
    expect(onDemandInstances(150, 2, 20)).toBeCloseTo(31.6, 10);
  });

  it('prices production from its configuration', () => {
    const c = environmentCost(loadEnvironment('production'));
    // 3 instances all month: 2.2 on demand, 0.8 spot at 30% of $0.192.
    expect(c.steady).toEqual({ instances: 3, onDemand: expect.closeTo(2.2, 10), monthly: expect.closeTo(730 * 0.192 * (2.2 + 0.8 * 0.3), 6) });
    // 5,000,000 files on 150 c5.xlarge at 520 files/h each.
    const hours = 5_000_000 / (150 * 520);
    expect(c.initialLoad).toMatchObject({ instances: 150, files: 5_000_000, filesPerHour: 520, hours: expect.closeTo(hours, 6) });
    expect(c.initialLoad.cost).toBeCloseTo(hours * 0.192 * (31.6 + 118.4 * 0.3), 6);
  });

  it('names the setting when the first instance type has no known price', () => {
    const odd = parseEnvironment('odd', { ...ENVIRONMENTS.production, fleet: { instanceTypes: ['m7i.large'] } });
    expect(() => environmentCost(odd)).toThrow(/odd\.fleet\.instanceTypes\[0\] \(m7i\.large\)/);
  });

  it('is what infra/README.md shows (refresh with: pnpm infra:cost --write)', () => {
    expect(readmeCostSection(readFileSync(README, 'utf8'))).toBe(costSection());
  });
});
