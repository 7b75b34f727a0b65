import { fleetCost } from './cost';
import { FLEET_DEFAULTS, HOURS_PER_MONTH } from './fleet';

export interface PlanInput {
  /** Files in the load. */
  files: number;
  /** Deadline for the load, hours. */
  hours: number;
  /** Files one instance processes per hour. */
  filesPerHour: number;
  pricePerHour: number;
  spotDiscount: number;
  onDemandBase: number;
  /** The group never runs fewer instances than this. */
  minInstances: number;
  /** Files arriving per month after the load, evenly spread; 0 prices the idle minimum fleet. */
  monthlyFiles: number;
  /** Files per minute the scanner enqueues; absent when the files are already queued. */
  scannerRate?: number;
  /** The group's max in normal and in initial-load mode. */
  maxInstances?: number;
  initialLoadMaxInstances?: number;
}

/** Which side sets the pace: the workers processing, or the scanner enqueueing. */
export type Bound = 'workers' | 'scanner';

/** Whether the group's max allows the fleet: normal, only in initial-load mode, or not at all. */
export type AsgFit = 'normal' | 'initial-load' | 'over-max';

export interface LoadPlan {
  bound: Bound;
  /** Instances that carry the load: enough for the deadline, or to keep pace with the scanner. */
  instances: number;
  /** Hours the fleet runs: the deadline, or the scanner's enqueue time when it is the bound. */
  hours: number;
  deadlineHours: number;
  deadlineMet: boolean;
  /** Instances the deadline needs if the files are queued in time. */
  instancesForDeadline: number;
  /** Cost of the load with the spot discount on the instances above the on-demand base. */
  cost: number;
  /** The same fleet bought entirely on demand. */
  onDemandCost: number;
  /** Files per minute the scanner must enqueue for the deadline to be reachable. */
  requiredScannerRate: number;
  /** Hours the scanner needs to enqueue the load; null when the files are already queued. */
  scannerHours: number | null;
  asgFit: AsgFit;
  maxInstances: number;
  initialLoadMaxInstances: number;
  monthlyFiles: number;
  /** Average instances running in steady state (never below the minimum). */
  monthlyInstances: number;
  monthlyCost: number;
}

/** Ceil that ignores floating-point dust (133.00000000000003 instances is 133). */
function ceilInstances(x: number): number {
  return Math.ceil(x - 1e-9);
}

/**
 * Steady-state arithmetic for one load: instances = ⌈files ÷ (hours × rate)⌉, unless a scanner
 * enqueues slower than the deadline needs, in which case the scanner sets the pace and more
 * workers only wait. Boot time and autoscaling lag are left to the simulator.
 */
export function planLoad(input: PlanInput): LoadPlan {
  const { files, hours, filesPerHour } = input;
  if (!(files > 0 && hours > 0 && filesPerHour > 0)) {
    throw new RangeError('planLoad: files, hours and filesPerHour must be > 0');
  }
  const maxInstances = input.maxInstances ?? FLEET_DEFAULTS.maxInstances;
  const initialLoadMaxInstances = input.initialLoadMaxInstances ?? FLEET_DEFAULTS.initialLoadMaxInstances;
  const price = { pricePerHour: input.pricePerHour, spotDiscount: input.spotDiscount, onDemandBase: input.onDemandBase };

  const instancesForDeadline = Math.max(input.minInstances, ceilInstances(files / (hours * filesPerHour)));
  const requiredScannerRate = files / (hours * 60);
  const scannerHours = input.scannerRate !== undefined ? files / (input.scannerRate * 60) : null;
  const scannerBound = scannerHours !== null && scannerHours > hours;

  const instances = scannerBound
    ? Math.max(input.minInstances, ceilInstances((input.scannerRate! * 60) / filesPerHour))
    : instancesForDeadline;
  const runHours = scannerBound ? scannerHours : hours;

  const monthlyInstances = Math.max(input.minInstances, input.monthlyFiles / (HOURS_PER_MONTH * filesPerHour));

  return {
    bound: scannerBound ? 'scanner' : 'workers',
    instances,
    hours: runHours,
    deadlineHours: hours,
    deadlineMet: !scannerBound,
    instancesForDeadline,
    cost: fleetCost({ instances, hours: runHours, ...price }),
    onDemandCost: fleetCost({ instances, hours: runHours, ...price, spotDiscount: 0 }),
    requiredScannerRate,
    scannerHours,
    asgFit: instances <= maxInstances ? 'normal' : instances <= initialLoadMaxInstances ? 'initial-load' : 'over-max',
    maxInstances,
    initialLoadMaxInstances,
    monthlyFiles: input.monthlyFiles,
    monthlyInstances,
    monthlyCost: fleetCost({ instances: monthlyInstances, hours: HOURS_PER_MONTH, ...price }),
  };
}
