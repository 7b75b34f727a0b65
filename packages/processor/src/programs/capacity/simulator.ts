import { desiredCapacity } from '../../contract/scaling';
import { fleetCost } from './cost';
import type { Bound } from './plan';

export interface SimulationInput {
  /** Files already queued at minute 0. */
  backlog: number;
  /** Files a scanner enqueues at `scannerRate` from minute 0 on. */
  scannerFiles: number;
  /** Scanner speed, files per minute (ignored when `scannerFiles` is 0). */
  scannerRate: number;
  /** Files per minute that keep arriving for the whole run (routine new files). */
  inflow: number;
  /** Files one instance processes per hour once it has started. */
  filesPerHour: number;
  minInstances: number;
  maxInstances: number;
  /** Backlog per instance the target-tracking policy aims at. */
  targetBacklogPerInstance: number;
  scaleOutCooldownSeconds: number;
  scaleInCooldownSeconds: number;
  /** Seconds from launch until an instance processes files (it is billed from launch). */
  startupDelaySeconds: number;
  pricePerHour: number;
  spotDiscount: number;
  onDemandBase: number;
  /** Simulation stops here if the load has not drained. */
  horizonHours: number;
  /** Optional deadline: the result says whether it is met and what scanner rate it needs. */
  deadlineHours?: number;
}

/**
 * One entry per simulated minute t (0 … end): `queue` is the visible backlog at the start of
 * minute t, `instances` the fleet after the scaling decision at t (billed for that minute),
 * `working` the instance-equivalents that processed during it (booting ones count for the part
 * of the minute after their startup delay), and `cost` the cumulative cost up to minute t.
 */
export interface SimulationSeries {
  queue: number[];
  instances: number[];
  working: number[];
  desired: number[];
  enqueued: number[];
  processed: number[];
  cost: number[];
}

export interface SimulationResult {
  series: SimulationSeries;
  /**
   * Hours until the load is drained (see `drainQueue`); null if not within the horizon.
   * With inflow alone there is no load: 0, and the run goes on to the horizon to show the policy.
   */
  drainHours: number | null;
  /**
   * The queue depth that counts as drained: 0 without continuing inflow; with inflow, the
   * backlog the policy keeps for the inflow alone (target × instances the inflow needs), since
   * target tracking holds about `target` messages per instance and never empties the queue.
   * null when the max fleet cannot outpace the inflow: the queue then only grows.
   */
  drainQueue: number | null;
  peakQueue: number;
  peakInstances: number;
  instanceHours: number;
  cost: number;
  onDemandCost: number;
  /** Which side sets the pace: the scanner's enqueue time or the workers at max fleet. */
  bound: Bound;
  /** Hours the scanner needs to enqueue its files (0 without a scanner). */
  scannerHours: number;
  /** Hours the max fleet needs for the whole load net of inflow, ignoring boot and scaling lag. */
  workerHours: number;
  /** Scanner rate at which the max fleet, not the scanner, becomes the bound; null without a scanner. */
  balancedScannerRate: number | null;
  /** Scanner rate the deadline needs; null without a scanner or a deadline. */
  requiredScannerRate: number | null;
  deadlineHours: number | null;
  deadlineMet: boolean | null;
}

const EPS = 1e-9;

// Bound once: the loop below runs once per simulated minute, and global lookups such as
// `Math.min` cost about a microsecond each inside jest's sandbox (20x the whole step).
const { ceil, min, max } = Math;

interface Cohort {
  count: number;
  /** Second at which these instances start processing. */
  readyAt: number;
}

/**
 * Minute-by-minute model of the queue and the Auto Scaling group under the backlog-per-instance
 * target-tracking policy the stacks deploy:
 *   desired = ⌈in-service × (visible ÷ in-service) ÷ target⌉ = ⌈visible ÷ target⌉, clamped to [min, max].
 * (The in-service count cancels out; computing it the long way only adds rounding error.)
 * A scale-out waits for the scale-out cooldown since the last scale-out; a scale-in waits for
 * the scale-in cooldown since the last scaling activity of either kind, so freshly launched
 * instances are not removed before they have worked. Scale-in removes the newest instances.
 */
export function simulate(input: SimulationInput): SimulationResult {
  validate(input);
  const perMin = input.filesPerHour / 60;
  const price = { pricePerHour: input.pricePerHour, spotDiscount: input.spotDiscount, onDemandBase: input.onDemandBase };
  const drainQueue = drainThreshold(input, perMin);
  const horizon = Math.ceil(input.horizonHours * 60);
  const hasLoad = input.backlog > 0 || input.scannerFiles > 0;

  const series: SimulationSeries = { queue: [], instances: [], working: [], desired: [], enqueued: [], processed: [], cost: [] };
  // The fleet at rest before the load: the minimum, already working.
  const cohorts: Cohort[] = [{ count: input.minInstances, readyAt: Number.NEGATIVE_INFINITY }];
  let fleet = input.minInstances;
  let queue = input.backlog;
  let scannerLeft = input.scannerFiles;
  let lastScaleOut = Number.NEGATIVE_INFINITY;
  let lastScaling = Number.NEGATIVE_INFINITY;
  let cost = 0;
  let onDemandCost = 0;
  // Fleet sizes repeat minute after minute: price each size once.
  const minuteCost = new Map<number, { cost: number; onDemand: number }>();
  const priceMinute = (n: number): { cost: number; onDemand: number } => {
    let c = minuteCost.get(n);
    if (!c) {
      c = { cost: fleetCost({ instances: n, hours: 1 / 60, ...price }), onDemand: fleetCost({ instances: n, hours: 1 / 60, ...price, spotDiscount: 0 }) };
      minuteCost.set(n, c);
    }
    return c;
  };
  let instanceMinutes = 0;
  let drainedAt: number | null = null;

  for (let t = 0; ; t++) {
    const now = t * 60;
    const desired = desiredCapacity(queue, input.targetBacklogPerInstance, input.minInstances, input.maxInstances);
    const finished = hasLoad && drainQueue !== null && scannerLeft <= EPS && queue <= drainQueue + EPS;
    if (finished || t >= horizon) {
      if (finished) drainedAt = t;
      push(series, { queue, instances: fleet, working: 0, desired, enqueued: 0, processed: 0, cost });
      break;
    }

    if (desired > fleet && now - lastScaleOut >= input.scaleOutCooldownSeconds) {
      cohorts.push({ count: desired - fleet, readyAt: now + input.startupDelaySeconds });
      fleet = desired;
      lastScaleOut = lastScaling = now;
    } else if (desired < fleet && now - lastScaling >= input.scaleInCooldownSeconds) {
      removeNewest(cohorts, fleet - desired);
      fleet = desired;
      lastScaling = now;
    }

    const scanned = min(input.scannerRate, max(0, scannerLeft));
    scannerLeft -= scanned;
    const enqueued = scanned + input.inflow;
    const working = workingInstances(cohorts, now);
    const processed = min(queue + enqueued, working * perMin);
    push(series, { queue, instances: fleet, working, desired, enqueued, processed, cost });
    queue = max(0, queue + enqueued - processed);

    instanceMinutes += fleet;
    const minute = priceMinute(fleet);
    cost += minute.cost;
    onDemandCost += minute.onDemand;
  }

  const scannerMinutes = input.scannerFiles > 0 ? input.scannerFiles / input.scannerRate : 0;
  const maxPerMin = input.maxInstances * perMin;
  const workerMinutes = maxPerMin > input.inflow ? (input.backlog + input.scannerFiles) / (maxPerMin - input.inflow) : Infinity;
  const drainHours = !hasLoad ? 0 : drainedAt === null ? null : drainedAt / 60;
  const deadline = input.deadlineHours ?? null;
  return {
    series,
    drainHours,
    drainQueue,
    peakQueue: maxOf(series.queue),
    peakInstances: maxOf(series.instances),
    instanceHours: instanceMinutes / 60,
    cost,
    onDemandCost,
    bound: scannerMinutes > workerMinutes ? 'scanner' : 'workers',
    scannerHours: scannerMinutes / 60,
    workerHours: workerMinutes / 60,
    balancedScannerRate: input.scannerFiles > 0 && Number.isFinite(workerMinutes) && workerMinutes > 0 ? input.scannerFiles / workerMinutes : null,
    requiredScannerRate: input.scannerFiles > 0 && deadline !== null ? input.scannerFiles / (deadline * 60) : null,
    deadlineHours: deadline,
    deadlineMet: deadline === null ? null : drainHours !== null && drainHours <= deadline,
  };
}

function validate(i: SimulationInput): void {
  const nonNegative = ['backlog', 'scannerFiles', 'scannerRate', 'inflow', 'minInstances', 'scaleOutCooldownSeconds',
    'scaleInCooldownSeconds', 'startupDelaySeconds', 'pricePerHour', 'spotDiscount', 'onDemandBase'] as const;
  for (const k of nonNegative) {
    if (!Number.isFinite(i[k]) || i[k] < 0) throw new RangeError(`simulate: ${k} must be a finite number >= 0, got ${i[k]}`);
  }
  for (const k of ['filesPerHour', 'maxInstances', 'targetBacklogPerInstance', 'horizonHours'] as const) {
    if (!Number.isFinite(i[k]) || i[k] <= 0) throw new RangeError(`simulate: ${k} must be > 0, got ${i[k]}`);
  }
  if (!Number.isInteger(i.minInstances) || !Number.isInteger(i.maxInstances)) throw new RangeError('simulate: minInstances and maxInstances must be integers');
  if (i.minInstances > i.maxInstances) throw new RangeError(`simulate: minInstances (${i.minInstances}) exceeds maxInstances (${i.maxInstances})`);
  if (i.scannerFiles > 0 && !(i.scannerRate > 0)) throw new RangeError('simulate: scannerRate must be > 0 when the scanner has files');
}

/** Queue depth the policy settles at for the continuing inflow alone (see SimulationResult.drainQueue). */
function drainThreshold(i: SimulationInput, perMin: number): number | null {
  if (i.maxInstances * perMin <= i.inflow) return null;
  if (i.inflow <= 0 || i.minInstances * perMin > i.inflow) return 0;
  return i.targetBacklogPerInstance * Math.ceil(i.inflow / perMin - EPS);
}

function workingInstances(cohorts: Cohort[], now: number): number {
  let working = 0;
  for (const c of cohorts) {
    working += (c.count * clamp(now + 60 - c.readyAt, 0, 60)) / 60;
  }
  return working;
}

function removeNewest(cohorts: Cohort[], n: number): void {
  let left = n;
  while (left > 0) {
    const last = cohorts[cohorts.length - 1]!;
    const take = min(left, last.count);
    last.count -= take;
    left -= take;
    if (last.count === 0) cohorts.pop();
  }
}

/** A loop, not Math.max(...xs): a year of minutes is too many arguments for one call. */
function maxOf(xs: number[]): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function clamp(v: number, lo: number, hi: number): number {
  return min(hi, max(lo, v));
}

function push(s: SimulationSeries, row: { [K in keyof SimulationSeries]: number }): void {
  for (const k of Object.keys(row) as Array<keyof SimulationSeries>) s[k].push(row[k]);
}
