/**
 * What a worker fleet costs. The Auto Scaling group keeps `onDemandBase` instances on demand
 * and fills the rest with spot capacity, so only the instances above the base get the discount.
 */
export interface FleetCostInput {
  /** Instances running (may be fractional when it is an average over the period). */
  instances: number;
  hours: number;
  /** On-demand price of one instance per hour, USD. */
  pricePerHour: number;
  /** Instances always bought on demand; fewer running means all of them are on demand. */
  onDemandBase: number;
  /** Spot price as a discount on the on-demand price, 0–1 (0.7 means spot costs 30%). */
  spotDiscount: number;
}

export function fleetCost(i: FleetCostInput): number {
  for (const key of ['instances', 'hours', 'pricePerHour', 'onDemandBase', 'spotDiscount'] as const) {
    const v = i[key];
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`fleetCost: ${key} must be a finite number >= 0, got ${v}`);
  }
  if (i.spotDiscount > 1) throw new RangeError(`fleetCost: spotDiscount must be <= 1, got ${i.spotDiscount}`);
  const onDemand = Math.min(i.instances, i.onDemandBase);
  const spot = i.instances - onDemand;
  return i.hours * i.pricePerHour * (onDemand + spot * (1 - i.spotDiscount));
}
