import type { StageName } from './types';

export type StageTimings = Partial<Record<StageName, number>>;

export interface StageSummary {
  p50Ms: number;
  p95Ms: number;
  totalMs: number;
}

/** Collects per-file stage durations and summarises them as percentiles. */
export class StageStats {
  private readonly samples = new Map<StageName, number[]>();

  add(timings: StageTimings): void {
    for (const [stage, ms] of Object.entries(timings) as [StageName, number][]) {
      if (ms === undefined) continue;
      let list = this.samples.get(stage);
      if (!list) this.samples.set(stage, (list = []));
      list.push(ms);
    }
  }

  summary(): Record<string, StageSummary> {
    const out: Record<string, StageSummary> = {};
    for (const [stage, list] of this.samples) {
      const sorted = [...list].sort((a, b) => a - b);
      out[stage] = {
        p50Ms: round(percentile(sorted, 0.5)),
        p95Ms: round(percentile(sorted, 0.95)),
        totalMs: round(sorted.reduce((a, b) => a + b, 0)),
      };
    }
    return out;
  }
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Runs `fn`, adding its duration in ms to `timings[stage]`. */
export async function timed<T>(timings: StageTimings, stage: StageName, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings[stage] = (timings[stage] ?? 0) + (performance.now() - start);
  }
}
