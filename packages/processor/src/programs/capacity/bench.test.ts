import { parseBench, rateFromBench } from './bench';

describe('rateFromBench', () => {
  it('scales the measured rate linearly in vCPUs and says so', () => {
    const r = rateFromBench(parseBench({ files: 120, seconds: 720, filesPerMin: 10, stages: {} }), 4, 2);
    expect(r.filesPerHour).toBe(1200); // 10/min × 60 × 4/2
    expect(r.benchVcpus).toBe(2);
    expect(r.assumption).toMatch(/linear in vCPUs/);
  });

  it('uses the core count the bench recorded over the default', () => {
    expect(rateFromBench(parseBench({ files: 60, seconds: 60, filesPerMin: 60, cpus: 4 }), 4, 2).filesPerHour).toBe(3600);
  });

  it('leaves files skipped as unchanged out of the rate', () => {
    const r = rateFromBench(parseBench({ files: 100, skipped: 50, seconds: 60, filesPerMin: 100 }), 2, 2);
    expect(r.benchFilesPerMin).toBe(50);
  });

  it('derives the rate from files and seconds when filesPerMin is absent', () => {
    expect(rateFromBench(parseBench({ files: 30, seconds: 60 }), 2, 2).filesPerHour).toBe(1800);
  });

  it('rejects bench output it cannot use, naming the field', () => {
    expect(() => parseBench({ seconds: 3 })).toThrow(/files/);
    expect(() => parseBench({ files: 'many', seconds: 3 })).toThrow(/files/);
    expect(() => rateFromBench(parseBench({ files: 0, seconds: 10, filesPerMin: 0 }), 4, 2)).toThrow(/no files/);
  });
});
