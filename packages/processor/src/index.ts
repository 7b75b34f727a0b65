/**
 * The package entry: what other packages (infra, benchmarks) may use. It loads no pipeline,
 * adapter or program code beyond what it names, so importing it stays cheap.
 */
export * from './contract';
export { ConfigError } from './core/errors';
// The capacity planner's prices and throughput, for infra's cost estimates (pnpm infra:cost).
export { fleetCost, type FleetCostInput } from './programs/capacity/cost';
export { defaultFilesPerHour, FLEET_DEFAULTS, HOURS_PER_MONTH, INSTANCE_TYPES, type InstanceType } from './programs/capacity/fleet';
