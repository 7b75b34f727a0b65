import { SCALING_DEFAULTS } from '../../contract/scaling';

/**
 * The worker fleet as the stacks deploy it: the defaults the planner and the simulator start from.
 * Every value can be overridden on the command line; these are what an operator gets without flags.
 */
export const FLEET_DEFAULTS = {
  instanceType: 'c5.xlarge',
  /** Instances always bought on demand; the rest of the group is spot. */
  onDemandBase: 2,
  /** Spot price as a discount on the on-demand price. */
  spotDiscount: 0.7,
  minInstances: 2,
  maxInstances: 50,
  /** The group's max while the stacks run in initial-load mode. */
  initialLoadMaxInstances: 150,
  /** Target of the backlog-per-instance policy: visible messages ÷ in-service instances. */
  targetBacklogPerInstance: SCALING_DEFAULTS.backlogPerInstance,
  scaleOutCooldownSeconds: 60,
  scaleInCooldownSeconds: 300,
  /** Launch to first file processed: boot, user data, bundle download, worker start. */
  startupDelaySeconds: 180,
} as const;

/** AWS prices a month as 730 hours (8,760 h ÷ 12). */
export const HOURS_PER_MONTH = 730;

export interface InstanceType {
  vcpus: number;
  /** On-demand Linux price, USD per hour. */
  pricePerHour: number;
}

/**
 * Types the workers can run on. c5.xlarge carries the $0.192/h the performance report used
 * for our region; the others keep the list-price ratios between these types (c5a about 10%
 * below c5, c6i level with it). Check the price list of your region and pass --price when
 * it differs.
 */
export const INSTANCE_TYPES: Readonly<Record<string, InstanceType>> = {
  'c5.large': { vcpus: 2, pricePerHour: 0.096 },
  'c5.xlarge': { vcpus: 4, pricePerHour: 0.192 },
  'c5.2xlarge': { vcpus: 8, pricePerHour: 0.384 },
  'c5a.xlarge': { vcpus: 4, pricePerHour: 0.174 },
  'c5a.2xlarge': { vcpus: 8, pricePerHour: 0.348 },
  'c6i.xlarge': { vcpus: 4, pricePerHour: 0.192 },
  'c6i.2xlarge': { vcpus: 8, pricePerHour: 0.384 },
};

/** The performance report measured 520 files/h on a c5.xlarge (4 vCPUs). */
export const REPORT_FILES_PER_HOUR = 520;
export const REPORT_VCPUS = 4;

/**
 * Files per hour one instance of `type` processes when nothing better is known: the report's
 * measurement scaled linearly in vCPUs (the pipeline runs one OCR thread per core).
 */
export function defaultFilesPerHour(type: InstanceType): number {
  return (REPORT_FILES_PER_HOUR * type.vcpus) / REPORT_VCPUS;
}
