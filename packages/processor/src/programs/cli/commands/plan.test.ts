import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const report = ['plan', '--files', '5000000', '--hours', '72'];

describe('cis plan', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cis-plan-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints the report's plan as JSON: 134 instances, $575.08 with spot, $1,852.42 all on demand", async () => {
    const r = await run([...report, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ instances: 134, hours: 72, bound: 'workers', asgFit: 'initial-load', pricePerHour: 0.192 });
    expect(j.cost).toBeCloseTo(575.08, 2);
    expect(j.onDemandCost).toBeCloseTo(1852.42, 2);
    expect(j.monthlyCost).toBeCloseTo(280.32, 2);
  });

  it('prints a short table by default', async () => {
    const r = await run(report);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/instances\s+134\n/);
    expect(r.out).toContain('$575.08');
    expect(r.out).toContain('$1,852.42');
    expect(r.out).toContain('initial-load mode');
  });

  it('says the scanner bounds the load and what rate the deadline needs', async () => {
    const r = await run([...report, '--scanner-rate', '100', '--json']);
    const j = JSON.parse(r.out);
    expect(j.bound).toBe('scanner');
    expect(j.deadlineMet).toBe(false);
    expect(j.scannerHours / 24).toBeCloseTo(34.72, 2);
    expect(j.requiredScannerRate).toBeCloseTo(1157.4, 1);
    const human = await run([...report, '--scanner-rate', '100']);
    expect(human.out).toContain('SCANNER');
    expect(human.out).toContain('1,157.4 files/min');
  });

  it('derives the per-instance rate from bench output, scaled by vCPUs', async () => {
    const bench = join(dir, 'bench.json');
    writeFileSync(bench, JSON.stringify({ files: 120, seconds: 720, filesPerMin: 10, failed: [] }));
    const j = JSON.parse((await run([...report, '--from-bench', bench, '--json'])).out);
    expect(j.filesPerHourPerInstance).toBe(1200); // 10/min on 2 vCPUs → 20/min on 4
    expect(j.instances).toBe(Math.ceil(5_000_000 / (72 * 1200)));
    expect(j.scalingAssumption).toMatch(/linear in vCPUs/);
  });

  it('fills the price from --instance, and --price overrides it', async () => {
    expect(JSON.parse((await run([...report, '--instance', 'c5a.xlarge', '--json'])).out).pricePerHour).toBe(0.174);
    expect(JSON.parse((await run([...report, '--price', '0.2', '--json'])).out).pricePerHour).toBe(0.2);
  });

  it.each([
    [['--files', '-5', '--hours', '72'], '--files'],
    [['--files', '5000000', '--hours', 'soon'], '--hours'],
    [[...report.slice(1), '--per-instance', 'abc'], '--per-instance'],
    [[...report.slice(1), '--spot-discount', '1.5'], '--spot-discount'],
    [[...report.slice(1), '--on-demand-base', '1.5'], '--on-demand-base'],
    [[...report.slice(1), '--instance', 't2.micro'], '--instance'],
    [[...report.slice(1), '--from-bench', '/nonexistent/bench.json'], '--from-bench'],
    [[...report.slice(1), '--per-instance', '500', '--from-bench', 'x.json'], 'from-bench'],
    [['--files', '5000000'], '--hours'],
  ])('exits 2 naming the option for %j', async (args, flag) => {
    const r = await run(['plan', ...args, '--json']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(flag);
  });
});
