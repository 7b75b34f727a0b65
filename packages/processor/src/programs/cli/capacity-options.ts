import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { userPath } from './paths';
import { UsageError, errorMessage } from '../../core/errors';
import { parseBench, rateFromBench } from '../capacity/bench';
import { FLEET_DEFAULTS, INSTANCE_TYPES, defaultFilesPerHour } from '../capacity/fleet';

/** Commander hands option values over as strings; blank stays blank so it fails as "not a number". */
const asNumber = (v: unknown): unknown => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v);
const number = () => z.number({ error: 'must be a number' });

/** Option schemas for numbers typed on the command line. */
export const numberOption = {
  positive: () => z.preprocess(asNumber, number().positive({ error: 'must be greater than 0' })),
  nonNegative: () => z.preprocess(asNumber, number().nonnegative({ error: 'must be 0 or more' })),
  count: () => z.preprocess(asNumber, number().int({ error: 'must be a whole number' }).nonnegative({ error: 'must be 0 or more' })),
  positiveCount: () => z.preprocess(asNumber, number().int({ error: 'must be a whole number' }).positive({ error: 'must be 1 or more' })),
  fraction: () => z.preprocess(asNumber, number().min(0, { error: 'must be between 0 and 1' }).max(1, { error: 'must be between 0 and 1' })),
};

/** Options that pick the instance type, its rate and its price; shared by `plan` and `simulate`. */
export const rateOptionsShape = {
  instance: z.enum(Object.keys(INSTANCE_TYPES) as [string, ...string[]], {
    error: `must be one of ${Object.keys(INSTANCE_TYPES).join(', ')}`,
  }),
  perInstance: numberOption.positive().optional(),
  fromBench: z.string().min(1).optional(),
  benchVcpus: numberOption.positiveCount(),
  price: numberOption.nonNegative().optional(),
  spotDiscount: numberOption.fraction(),
  onDemandBase: numberOption.count(),
};

/**
 * Validates commander's option object against `schema`; the first problems become one
 * UsageError whose message names each flag as typed (`--per-instance: must be a number (got "x")`).
 */
export function parseOptions<S extends z.ZodObject>(schema: S, opts: Record<string, unknown>): z.infer<S> {
  const r = schema.safeParse(opts);
  if (r.success) return r.data;
  const problems = r.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const given = opts[key];
    return `--${kebab(key)}: ${issue.message}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`;
  });
  throw new UsageError(problems.join('; '));
}

export interface ResolvedRate {
  instanceType: string;
  vcpus: number;
  /** Files one instance processes per hour. */
  filesPerHour: number;
  /** Where the rate comes from, in words. */
  rateSource: string;
  /** The scaling assumption, when the rate was derived from a bench run. */
  scalingAssumption: string | null;
  pricePerHour: number;
}

/** Per-instance rate and price: --per-instance, else --from-bench, else the report's figure scaled by vCPUs. */
export async function resolveRate(o: {
  instance: string;
  perInstance?: number;
  fromBench?: string;
  benchVcpus: number;
  price?: number;
}): Promise<ResolvedRate> {
  const type = INSTANCE_TYPES[o.instance]!;
  const pricePerHour = o.price ?? type.pricePerHour;
  const base = { instanceType: o.instance, vcpus: type.vcpus, pricePerHour };
  if (o.perInstance !== undefined) {
    return { ...base, filesPerHour: o.perInstance, rateSource: '--per-instance', scalingAssumption: null };
  }
  if (o.fromBench !== undefined) {
    const path = userPath(o.fromBench);
    let rate;
    try {
      rate = rateFromBench(parseBench(JSON.parse(await readFile(path, 'utf8'))), type.vcpus, o.benchVcpus);
    } catch (err) {
      throw new UsageError(`--from-bench: cannot use ${path}: ${errorMessage(err)}`);
    }
    return { ...base, filesPerHour: rate.filesPerHour, rateSource: `bench ${path}`, scalingAssumption: rate.assumption };
  }
  return {
    ...base,
    filesPerHour: defaultFilesPerHour(type),
    rateSource: 'default: the performance report measured 520 files/h on a c5.xlarge',
    scalingAssumption: o.instance === FLEET_DEFAULTS.instanceType ? null : 'throughput linear in vCPUs',
  };
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
