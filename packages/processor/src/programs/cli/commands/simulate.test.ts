import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

describe('cis simulate', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cis-simulate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('drains 5,000,000 queued files plus 100/min inflow in about 3 days at max 150, and writes CSV and SVG', async () => {
    const out = join(dir, 'max150');
    const r = await run(['simulate', '--backlog', '5000000', '--inflow', '100', '--max', '150', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const k of ['drainHours', 'peakQueue', 'peakInstances', 'instanceHours', 'cost']) expect(typeof j[k]).toBe('number');
    expect(j.drainHours / 24).toBeGreaterThan(2.8);
    expect(j.drainHours / 24).toBeLessThan(3.1);
    expect(j.peakInstances).toBe(150);
    expect(j.files).toEqual({ csv: join(out, 'simulation.csv'), svg: join(out, 'simulation.svg') });
    const csv = readFileSync(j.files.csv, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('minute,hours,queue,instances,working,desired,enqueued,processed,cost_usd');
    expect(csv).toHaveLength(j.simulatedHours * 60 + 2);
    expect(csv[1]).toMatch(/^0,0\.0000,5000000\.0,150,2\.00,150,/);
    expect(readFileSync(j.files.svg, 'utf8')).toMatch(/^<svg [^>]*>[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
  });

  it('prints a short table by default and writes nothing without --out', async () => {
    const r = await run(['simulate', '--files', '5000000', '--scanner-rate', '100', '--max', '150', '--deadline-hours', '72']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/drained after\s+833\.\d h \(34\.7\d days\)/);
    expect(r.out).toContain('SCANNER');
    expect(r.out).toContain('at least 1,157.4 files/min');
    expect(r.out).not.toContain('written');
    expect(existsSync(join(dir, 'simulation.csv'))).toBe(false);
  });

  it.each([
    [['--files', '1000'], '--scanner-rate'],
    [['--backlog', '1000', '--min', '60', '--max', '50'], '--min'],
    [['--backlog', '1000', '--target', '0'], '--target'],
    [['--backlog', '1000', '--startup-delay', '-1'], '--startup-delay'],
    [['--backlog', 'lots'], '--backlog'],
    [['--backlog', '1000', '--max', '2.5'], '--max'],
    [[], 'nothing to simulate'],
  ])('exits 2 naming the problem for %j', async (args, text) => {
    const r = await run(['simulate', ...args, '--json']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(text);
  });
});
