import { z } from 'zod';

/**
 * What `pnpm cis index … --json` and `pnpm bench` print, as far as capacity planning needs it.
 * Other fields are ignored, so the planner keeps working as those outputs grow.
 */
const benchSchema = z.object({
  files: z.number().nonnegative(),
  seconds: z.number().nonnegative(),
  filesPerMin: z.number().nonnegative().optional(),
  /** Unchanged files take no work; a run that skipped some would overstate the rate. */
  skipped: z.number().nonnegative().optional(),
  /** Cores of the measuring machine, when the bench records them. */
  cpus: z.number().int().positive().optional(),
});

export type BenchResult = z.infer<typeof benchSchema>;

export interface BenchRate {
  /** Files per hour one instance is expected to process. */
  filesPerHour: number;
  /** Files per minute measured on the bench machine. */
  benchFilesPerMin: number;
  benchVcpus: number;
  /** The scaling assumption in words, for the output and the reader. */
  assumption: string;
}

/** Validates bench JSON; the message says what is wrong so the caller can name the file. */
export function parseBench(json: unknown): BenchResult {
  const r = benchSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`${issue.path.join('.') || 'bench result'}: ${issue.message}`);
  }
  return r.data;
}

/**
 * Per-instance rate from a bench run, scaled linearly in vCPUs: the pipeline runs one OCR thread
 * per core and OCR dominates, so throughput follows the core count. Files the run skipped as
 * unchanged are left out of the rate.
 */
export function rateFromBench(bench: BenchResult, instanceVcpus: number, benchVcpusDefault: number): BenchRate {
  const benchVcpus = bench.cpus ?? benchVcpusDefault;
  const worked = bench.files - (bench.skipped ?? 0);
  let perMin: number;
  if (bench.skipped || bench.filesPerMin === undefined) {
    if (bench.seconds <= 0) throw new Error('seconds: must be > 0 to derive a rate');
    perMin = (worked / bench.seconds) * 60;
  } else {
    perMin = bench.filesPerMin;
  }
  if (!(perMin > 0)) throw new Error('the bench processed no files: no rate can be derived');
  const filesPerHour = (perMin * 60 * instanceVcpus) / benchVcpus;
  return {
    filesPerHour,
    benchFilesPerMin: perMin,
    benchVcpus,
    assumption: `throughput linear in vCPUs: ${round(perMin, 1)} files/min on ${benchVcpus} vCPUs → ${round(filesPerHour, 0)} files/h on ${instanceVcpus} vCPUs`,
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
