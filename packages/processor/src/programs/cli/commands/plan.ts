import { Command, Option } from 'commander';
import { z } from 'zod';
import { numberOption, parseOptions, rateOptionsShape, resolveRate } from '../capacity-options';
import { FLEET_DEFAULTS } from '../../capacity/fleet';
import { duration, num, table, toJson, usd, usdRate } from '../../capacity/format';
import { planLoad, type LoadPlan } from '../../capacity/plan';

const schema = z.object({
  files: numberOption.positive(),
  hours: numberOption.positive(),
  ...rateOptionsShape,
  min: numberOption.count(),
  monthlyFiles: numberOption.nonNegative(),
  scannerRate: numberOption.positive().optional(),
  json: z.boolean().optional(),
});

export function register(program: Command): void {
  program
    .command('plan')
    .description('instances and cost to process a load by a deadline, and the steady-state monthly cost')
    .requiredOption('--files <n>', 'files in the load')
    .requiredOption('--hours <h>', 'deadline, hours')
    .addOption(new Option('--per-instance <filesPerHour>', 'files one instance processes per hour (default: 520 per c5.xlarge, scaled by vCPUs)').conflicts('fromBench'))
    .option('--from-bench <file>', 'derive the per-instance rate from `cis index --json` / `pnpm bench` output')
    .option('--bench-vcpus <n>', 'vCPUs of the machine the bench ran on (when its JSON does not say)', '2')
    .option('--instance <type>', 'instance type (fills --price and scales bench rates)', FLEET_DEFAULTS.instanceType)
    .option('--price <usdPerHour>', 'on-demand price per instance-hour (default: the instance type\'s)')
    .option('--spot-discount <fraction>', 'spot discount on the on-demand price', String(FLEET_DEFAULTS.spotDiscount))
    .option('--on-demand-base <n>', 'instances always bought on demand', String(FLEET_DEFAULTS.onDemandBase))
    .option('--min <n>', 'the group\'s minimum instances', String(FLEET_DEFAULTS.minInstances))
    .option('--monthly-files <n>', 'files arriving per month after the load (steady state)', '0')
    .option('--scanner-rate <filesPerMin>', 'files per minute the scanner enqueues (default: files already queued)')
    .option('--json', 'print the plan as JSON on stdout')
    .action(async (raw: Record<string, unknown>) => {
      const o = parseOptions(schema, raw);
      const rate = await resolveRate(o);
      const plan = planLoad({
        files: o.files,
        hours: o.hours,
        filesPerHour: rate.filesPerHour,
        pricePerHour: rate.pricePerHour,
        spotDiscount: o.spotDiscount,
        onDemandBase: o.onDemandBase,
        minInstances: o.min,
        monthlyFiles: o.monthlyFiles,
        scannerRate: o.scannerRate,
      });
      const out = {
        ...plan,
        files: o.files,
        instanceType: rate.instanceType,
        vcpus: rate.vcpus,
        filesPerHourPerInstance: rate.filesPerHour,
        rateSource: rate.rateSource,
        scalingAssumption: rate.scalingAssumption,
        pricePerHour: rate.pricePerHour,
        spotDiscount: o.spotDiscount,
        onDemandBase: o.onDemandBase,
        scannerRate: o.scannerRate ?? null,
      };
      process.stdout.write(o.json ? toJson(out) : human(out, plan));
    });
}

function human(o: { files: number; instanceType: string; vcpus: number; filesPerHourPerInstance: number; rateSource: string;
  scalingAssumption: string | null; pricePerHour: number; spotDiscount: number; onDemandBase: number; scannerRate: number | null }, p: LoadPlan): string {
  const rows: Array<[string, string]> = [
    ['per-instance rate', `${num(o.filesPerHourPerInstance)} files/h on ${o.instanceType} (${o.vcpus} vCPUs; ${o.rateSource})`],
  ];
  if (o.scalingAssumption) rows.push(['assumption', o.scalingAssumption]);
  if (p.bound === 'scanner') {
    rows.push(
      ['bound', `SCANNER: at ${num(o.scannerRate!)} files/min it needs ${duration(p.scannerHours!)} to enqueue the load; more workers do not help`],
      ['deadline', `missed: ${duration(p.deadlineHours)} needs a scanner rate of at least ${num(p.requiredScannerRate)} files/min`],
      ['instances', `${p.instances} (keep pace with the scanner; ${p.instancesForDeadline} would meet the deadline at ${num(p.requiredScannerRate)} files/min)`],
    );
  } else {
    rows.push(['bound', o.scannerRate === null ? 'workers (files already queued)'
      : `workers (the scanner enqueues in ${duration(p.scannerHours!)}; the deadline needs at least ${num(p.requiredScannerRate)} files/min)`]);
    rows.push(['instances', String(p.instances)]);
  }
  const spot = Math.max(0, p.instances - o.onDemandBase);
  rows.push(
    ['fleet runs', duration(p.hours)],
    ['cost', `${usd(p.cost)} (${Math.min(p.instances, o.onDemandBase)} on demand + ${spot} spot at ${num(o.spotDiscount * 100)}% off ${usdRate(o.pricePerHour)}/h)`],
    ['all on demand', `${usd(p.onDemandCost)} (the same fleet with no spot discount)`],
    ['Auto Scaling max', asgLine(p)],
    ['monthly (steady)', `${usd(p.monthlyCost)}/month: ${num(p.monthlyInstances, 2)} instances on average for ${num(p.monthlyFiles, 0)} files/month`],
  );
  return table(`Plan: ${num(o.files, 0)} files in ${duration(p.deadlineHours)}`, rows);
}

function asgLine(p: LoadPlan): string {
  if (p.asgFit === 'normal') return `fits the normal max (${p.maxInstances})`;
  if (p.asgFit === 'initial-load') return `over the normal max ${p.maxInstances}: deploy in initial-load mode (max ${p.initialLoadMaxInstances})`;
  return `over the initial-load max ${p.initialLoadMaxInstances}: raise the max or extend the deadline`;
}
