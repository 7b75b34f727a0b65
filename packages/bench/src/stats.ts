export interface StageStats {
  p50Ms: number;
  p95Ms: number;
  totalMs: number;
  count: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function stageStats(samples: number[]): StageStats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50Ms: round1(percentile(sorted, 50)),
    p95Ms: round1(percentile(sorted, 95)),
    totalMs: round1(sorted.reduce((s, v) => s + v, 0)),
    count: sorted.length,
  };
}

export function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
