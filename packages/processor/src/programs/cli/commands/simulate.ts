import { Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../../../core/errors';
import { log } from '../../../core/log';
import { numberOption, parseOptions, rateOptionsShape, resolveRate } from '../capacity-options';
import { FLEET_DEFAULTS } from '../../capacity/fleet';
import { duration, num, table, toJson, usd } from '../../capacity/format';
import { writeSimulation } from '../../capacity/simulation-output';
import { simulate, type SimulationInput, type SimulationResult } from '../../capacity/simulator';
import { userPath } from '../paths';

const schema = z.object({
  backlog: numberOption.nonNegative(),
  files: numberOption.nonNegative(),
  scannerRate: numberOption.positive().optional(),
  inflow: numberOption.nonNegative(),
  ...rateOptionsShape,
  min: numberOption.count(),
  max: numberOption.positiveCount(),
  target: numberOption.positive(),
  scaleOutCooldown: numberOption.nonNegative(),
  scaleInCooldown: numberOption.nonNegative(),
  startupDelay: numberOption.nonNegative(),
  deadlineHours: numberOption.positive().optional(),
  horizonDays: numberOption.positive().optional(),
  out: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

type Options = z.infer<typeof schema>;

export function register(program: Command): void {
  program
    .command('simulate')
    .description('minute-by-minute queue depth and instance count under the target-tracking scaling policy')
    .option('--backlog <n>', 'files already queued at the start', '0')
    .option('--files <n>', 'files a scanner enqueues at --scanner-rate', '0')
    .option('--scanner-rate <filesPerMin>', 'files per minute the scanner enqueues (needed with --files)')
    .option('--inflow <filesPerMin>', 'files per minute that keep arriving throughout', '0')
    .option('--per-instance <filesPerHour>', 'files one instance processes per hour (default: 520 per c5.xlarge, scaled by vCPUs)')
    .option('--from-bench <file>', 'derive the per-instance rate from `cis index --json` / `pnpm bench` output')
    .option('--bench-vcpus <n>', 'vCPUs of the machine the bench ran on (when its JSON does not say)', '2')
    .option('--instance <type>', 'instance type (fills --price and scales bench rates)', FLEET_DEFAULTS.instanceType)
    .option('--price <usdPerHour>', 'on-demand price per instance-hour (default: the instance type\'s)')
    .option('--spot-discount <fraction>', 'spot discount on the on-demand price', String(FLEET_DEFAULTS.spotDiscount))
    .option('--on-demand-base <n>', 'instances always bought on demand', String(FLEET_DEFAULTS.onDemandBase))
    .option('--min <n>', 'the group\'s minimum instances', String(FLEET_DEFAULTS.minInstances))
    .option('--max <n>', `the group's maximum instances (${FLEET_DEFAULTS.initialLoadMaxInstances} in initial-load mode)`, String(FLEET_DEFAULTS.maxInstances))
    .option('--target <backlogPerInstance>', 'target of the backlog-per-instance policy', String(FLEET_DEFAULTS.targetBacklogPerInstance))
    .option('--scale-out-cooldown <s>', 'seconds between scale-outs', String(FLEET_DEFAULTS.scaleOutCooldownSeconds))
    .option('--scale-in-cooldown <s>', 'seconds after any scaling before a scale-in', String(FLEET_DEFAULTS.scaleInCooldownSeconds))
    .option('--startup-delay <s>', 'seconds from launch until an instance processes files', String(FLEET_DEFAULTS.startupDelaySeconds))
    .option('--deadline-hours <h>', 'say whether the load drains by then and what scanner rate that needs')
    .option('--horizon-days <d>', 'stop simulating after this long if the load has not drained (default: 365, or 1 with --inflow alone)')
    .option('--out <dir>', 'write simulation.csv and simulation.svg here')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (raw: Record<string, unknown>) => {
      const o = parseOptions(schema, raw);
      checkCombination(o);
      const rate = await resolveRate(o);
      const input: SimulationInput = {
        backlog: o.backlog,
        scannerFiles: o.files,
        scannerRate: o.scannerRate ?? 0,
        inflow: o.inflow,
        filesPerHour: rate.filesPerHour,
        minInstances: o.min,
        maxInstances: o.max,
        targetBacklogPerInstance: o.target,
        scaleOutCooldownSeconds: o.scaleOutCooldown,
        scaleInCooldownSeconds: o.scaleInCooldown,
        startupDelaySeconds: o.startupDelay,
        pricePerHour: rate.pricePerHour,
        spotDiscount: o.spotDiscount,
        onDemandBase: o.onDemandBase,
        horizonHours: (o.horizonDays ?? (o.backlog === 0 && o.files === 0 ? 1 : 365)) * 24,
        deadlineHours: o.deadlineHours,
      };
      const started = performance.now();
      const result = simulate(input);
      log.debug({ minutes: result.series.queue.length, ms: Math.round(performance.now() - started) }, 'simulated');
      const files = o.out ? await writeSimulation(userPath(o.out), result, title(input, rate.instanceType)) : null;

      const { series: _series, ...figures } = result;
      const out = {
        ...figures,
        simulatedHours: (result.series.queue.length - 1) / 60,
        input: { ...input, instanceType: rate.instanceType, rateSource: rate.rateSource, scalingAssumption: rate.scalingAssumption },
        files,
      };
      process.stdout.write(o.json ? toJson(out) : human(input, result, rate.instanceType, files));
    });
}

function checkCombination(o: Options): void {
  if (o.files > 0 && o.scannerRate === undefined) throw new UsageError('--scanner-rate: needed with --files (how fast the scanner enqueues them)');
  if (o.backlog === 0 && o.files === 0 && o.inflow === 0) throw new UsageError('nothing to simulate: give --backlog, --files with --scanner-rate, or --inflow');
  if (o.min > o.max) throw new UsageError(`--min: ${o.min} is above --max ${o.max}`);
}

function title(i: SimulationInput, type: string): string {
  const load = [
    i.backlog > 0 ? `${num(i.backlog, 0)} queued` : '',
    i.scannerFiles > 0 ? `${num(i.scannerFiles, 0)} scanned at ${num(i.scannerRate)}/min` : '',
    i.inflow > 0 ? `+${num(i.inflow)}/min inflow` : '',
  ].filter(Boolean).join(', ');
  return `${load}; ${num(i.filesPerHour)} files/h per ${type}, ${i.minInstances}–${i.maxInstances} instances`;
}

function human(i: SimulationInput, r: SimulationResult, type: string, files: { csv: string; svg: string } | null): string {
  const rows: Array<[string, string]> = [];
  const hasLoad = i.backlog > 0 || i.scannerFiles > 0;
  if (r.drainHours === null) {
    const maxPerMin = (i.maxInstances * i.filesPerHour) / 60;
    const why = maxPerMin <= i.inflow ? `: the inflow (${num(i.inflow)}/min) is at least what the max fleet processes (${num(maxPerMin)}/min)` : '';
    rows.push(['drained', `not within ${duration(i.horizonHours)}${why}`]);
  } else if (!hasLoad) {
    rows.push(['drained', `nothing to drain: inflow only, simulated for ${duration(i.horizonHours)}`]);
  } else {
    const level = r.drainQueue ? ` (queue back to ${num(r.drainQueue, 0)}, what the policy keeps for the inflow alone)` : '';
    rows.push(['drained after', duration(r.drainHours) + level]);
  }
  if (hasLoad) rows.push(...boundRows(i, r));
  if (r.deadlineHours !== null) {
    const need = r.requiredScannerRate !== null ? `; the scanner must enqueue at least ${num(r.requiredScannerRate)} files/min` : '';
    rows.push(['deadline', `${duration(r.deadlineHours)}: ${r.deadlineMet ? 'met' : 'missed'}${need}`]);
  }
  rows.push(
    ['peak queue', num(r.peakQueue, 0)],
    ['peak instances', String(r.peakInstances)],
    ['instance-hours', num(r.instanceHours)],
    ['cost', `${usd(r.cost)} (all on demand: ${usd(r.onDemandCost)})`],
  );
  if (files) rows.push(['written', `${files.csv}, ${files.svg}`]);
  return table(`Simulation: ${title(i, type)}`, rows);
}

/** Which side sets the pace; without a load (inflow alone) there is nothing to bound. */
function boundRows(i: SimulationInput, r: SimulationResult): Array<[string, string]> {
  if (r.bound === 'scanner') {
    return [
      ['bound', `SCANNER: it needs ${duration(r.scannerHours)} to enqueue ${num(i.scannerFiles, 0)} files; the max fleet would need ${duration(r.workerHours)}; more workers do not help`],
      ['scanner rate', `workers become the bound from ${num(r.balancedScannerRate ?? 0)} files/min`],
    ];
  }
  const rows: Array<[string, string]> = [
    ['bound', Number.isFinite(r.workerHours)
      ? `workers: the max fleet of ${i.maxInstances} needs ${duration(r.workerHours)} net of inflow (without boot and scaling lag)`
      : 'workers: the max fleet cannot keep up with the inflow'],
  ];
  if (r.balancedScannerRate !== null) rows.push(['scanner rate', `${num(i.scannerRate)} files/min; above ${num(r.balancedScannerRate)} files/min the workers are the bound`]);
  return rows;
}
