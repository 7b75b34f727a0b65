import { percentile, StageStats, timed, type StageTimings } from './timing';

describe('percentile', () => {
  it('uses nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 0.5)).toBe(50);
    expect(percentile(xs, 0.95)).toBe(95);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBe(0);
  });
});

describe('StageStats', () => {
  it('summarises each stage separately', () => {
    const stats = new StageStats();
    stats.add({ extract: 10, index: 1 });
    stats.add({ extract: 30 });
    stats.add({ extract: 20, index: 3 });
    expect(stats.summary()).toEqual({
      extract: { p50Ms: 20, p95Ms: 30, totalMs: 60 },
      index: { p50Ms: 1, p95Ms: 3, totalMs: 4 },
    });
  });
});

describe('timed', () => {
  it('records the duration even when the work throws', async () => {
    const t: StageTimings = {};
    await expect(
      timed(t, 'extract', async () => {
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(t.extract).toBeGreaterThanOrEqual(15);
  });
});
