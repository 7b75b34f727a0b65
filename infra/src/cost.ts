import { defaultFilesPerHour, fleetCost, HOURS_PER_MONTH, INSTANCE_TYPES } from '@cis/processor';
import { ConfigError } from './config/load';
import type { EnvironmentConfig } from './config/schema';

export interface EnvironmentCost {
  env: string;
  instanceType: string;
  pricePerHour: number;
  spotDiscount: number;
  steady: { instances: number; onDemand: number; monthly: number };
  /** The fleet at its initial-load maximum until `files` are processed. */
  initialLoad: { instances: number; onDemand: number; files: number; filesPerHour: number; hours: number; cost: number };
}

/**
 * Instances the group buys on demand when `instances` run: the base, plus the configured share
 * of everything above it (the group's OnDemandPercentageAboveBaseCapacity).
 */
export function onDemandInstances(instances: number, base: number, percentAboveBase: number): number {
  return Math.min(instances, base) + (Math.max(0, instances - base) * percentAboveBase) / 100;
}

/**
 * What an environment's worker fleet costs, from its configuration: EC2 only (on-demand price of
 * the group's first instance type, the spot share at the configured discount), priced by
 * fleetCost from the capacity planner. Initial-load duration assumes every instance at the
 * throughput the performance report measured, scaled by vCPUs.
 */
export function environmentCost(c: EnvironmentConfig): EnvironmentCost {
  const instanceType = c.fleet.instanceTypes[0]!;
  const type = INSTANCE_TYPES[instanceType];
  if (!type) throw new ConfigError(`no price for ${c.name}.fleet.instanceTypes[0] (${instanceType}); known: ${Object.keys(INSTANCE_TYPES).join(', ')}`);
  const { spotDiscount } = c.cost;
  const price = (instances: number, hours: number) => {
    const onDemand = onDemandInstances(instances, c.fleet.onDemandBaseCapacity, c.fleet.onDemandPercentageAboveBaseCapacity);
    return { onDemand, cost: fleetCost({ instances, hours, pricePerHour: type.pricePerHour, onDemandBase: onDemand, spotDiscount }) };
  };

  const steadyInstances = c.cost.steadyStateInstances ?? c.fleet.minCapacity;
  const steady = price(steadyInstances, HOURS_PER_MONTH);
  const loadInstances = c.fleet.initialLoadMaxCapacity;
  const filesPerHour = defaultFilesPerHour(type);
  const hours = c.cost.initialLoadFiles / (loadInstances * filesPerHour);
  const load = price(loadInstances, hours);
  return {
    env: c.name,
    instanceType,
    pricePerHour: type.pricePerHour,
    spotDiscount,
    steady: { instances: steadyInstances, onDemand: steady.onDemand, monthly: steady.cost },
    initialLoad: { instances: loadInstances, onDemand: load.onDemand, files: c.cost.initialLoadFiles, filesPerHour, hours, cost: load.cost },
  };
}

const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const count = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** Markdown table, one row per environment. */
export function renderCostTable(costs: EnvironmentCost[]): string {
  const rows = costs.map((c) =>
    [
      c.env,
      `${c.instanceType} at $${c.pricePerHour}/h, spot −${Math.round(c.spotDiscount * 100)}%`,
      `${count(c.steady.instances)} (${count(c.steady.onDemand)} on demand)`,
      usd(c.steady.monthly),
      `${count(c.initialLoad.files)} files on ${c.initialLoad.instances} instances (${count(c.initialLoad.onDemand)} on demand) × ${count(c.initialLoad.filesPerHour)} files/h`,
      `${count(c.initialLoad.hours)} h`,
      usd(c.initialLoad.cost),
    ].join(' | '),
  );
  return [
    '| Environment | Price basis | Steady state instances | Steady state per month | Initial load | Duration | Initial load cost |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}
