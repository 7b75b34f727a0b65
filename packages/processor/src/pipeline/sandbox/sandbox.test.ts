import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { OverBudgetError, RetryableError, UnreadableFileError } from '../../core/errors';
import type { ExtractContext, Extractor, OcrService } from '../../core/types';
import { ExtractionSandbox, type SandboxOptions } from './sandbox';

const MODULE = join(__dirname, '..', '..', '..', 'test', 'support', 'sandbox-extractors.ts');
const MiB = 1024 * 1024;

const byName = (name: string): Extractor => ({ name, mimeTypes: [], extract: () => Promise.reject(new Error('runs in the sandbox, not here')) });

function ocrTaking(ms: number): OcrService & { calls: number } {
  const service = {
    calls: 0,
    recognize: async () => {
      service.calls++;
      await new Promise((r) => setTimeout(r, ms));
      return { text: 'read by OCR', confidence: 90, lang: 'eng' as const, ms };
    },
    close: async () => undefined,
  };
  return service;
}

const limits = { maxPixels: 1e8, maxFileBytes: 1e9, maxPages: 100 };

function context(opts: { ocr?: OcrService; signal?: AbortSignal } = {}): ExtractContext {
  return { ocr: opts.ocr ?? ocrTaking(0), limits, signal: opts.signal };
}

const input = (name: string) => ({ path: `/nonexistent/${name}`, name, size: 1, type: { mime: 'test/x', kind: 'other' as const } });

let sandbox: ExtractionSandbox | undefined;
function open(opts: Partial<SandboxOptions> = {}): ExtractionSandbox {
  sandbox = new ExtractionSandbox({
    processes: 2,
    memoryBytes: 320 * MiB,
    totalMemoryBytes: 1024 * MiB,
    timeoutMs: 5000,
    perPageMs: 1000,
    maxTimeoutMs: 60_000,
    pollMs: 50,
    extractorModules: [MODULE],
    ...opts,
  });
  return sandbox;
}

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ExtractionSandbox', () => {
  it('runs an extractor in a process of its own and hands back its result, bytes included', async () => {
    const s = open();
    const out = await s.run(byName('test-echo'), input('a.txt'), context());
    expect(out.text).toMatch(/^echo a\.txt pid \d+$/);
    expect(Number(out.text.split(' ').pop())).not.toBe(process.pid);
    expect(out.isolationMs).toBeGreaterThanOrEqual(0);
    const image = await s.run(byName('test-image'), input('b.png'), context());
    expect(Array.from(image.image ?? [])).toEqual([1, 2, 3, 255]);
  }, 60_000);

  it('runs in-process extractors here', async () => {
    const s = open();
    const here: Extractor = { name: 'here', mimeTypes: [], inProcess: true, extract: async () => ({ text: `pid ${process.pid}`, pages: 0, ocrPages: [] }) };
    expect((await s.run(here, input('x.xdw'), context())).text).toBe(`pid ${process.pid}`);
    expect(s.size).toBe(0);
  });

  it('passes an unreadable file with its reason, and a bug with its message', async () => {
    const s = open();
    await expect(s.run(byName('test-unreadable'), input('x'), context())).rejects.toEqual(new UnreadableFileError('this file is broken in a known way'));
    const bug = await s.run(byName('test-bug'), input('x'), context()).catch((e: unknown) => e);
    expect(bug).toBeInstanceOf(Error);
    expect(bug).not.toBeInstanceOf(UnreadableFileError);
    expect((bug as Error).message).toBe('cannot read properties of undefined');
  }, 60_000);

  it('stops a file stuck in a loop at its time budget; the next file gets a fresh process', async () => {
    const s = open({ timeoutMs: 1000 });
    const first = await s.run(byName('test-echo'), input('before'), context());
    const stuck = await s.run(byName('test-spin'), input('loop'), context()).catch((e: unknown) => e);
    expect(stuck).toBeInstanceOf(OverBudgetError);
    expect((stuck as OverBudgetError).budget).toBe('time');
    expect((stuck as OverBudgetError).reason).toBe('over the time budget of 1 s while extracting');
    const after = await s.run(byName('test-echo'), input('after'), context());
    expect(after.text).toMatch(/^echo after/);
    expect(s.size).toBeLessThanOrEqual(2);
    void first;
  }, 60_000);

  it('gives a paged file more time per declared page', async () => {
    const s = open({ timeoutMs: 1000, perPageMs: 1000 });
    await expect(s.run(byName('test-pages'), input('pages=3 ms=2500'), context())).resolves.toMatchObject({ text: 'paged' });
    await expect(s.run(byName('test-pages'), input('pages=0 ms=2500'), context())).rejects.toMatchObject({ budget: 'time' });
  }, 60_000);

  it('does not count time spent waiting for OCR, which runs in this process', async () => {
    const s = open({ timeoutMs: 1000 });
    const ocr = ocrTaking(700);
    const out = await s.run(byName('test-ocr'), input('pages=3'), context({ ocr }));
    expect(out.text).toBe('read by OCR\nread by OCR\nread by OCR');
    expect(ocr.calls).toBe(3);
  }, 60_000);

  it.each([
    ['a JS heap that keeps growing', 'test-heap'],
    ['Buffers outside the JS heap', 'test-buffers'],
    ['an allocation failure thrown where nothing catches it', 'test-uncaught'],
  ])('stops %s at the memory budget, naming it', async (_what, name) => {
    // A time budget far away: on a loaded machine the allocation can take longer than 5 s.
    const s = open({ timeoutMs: 45_000 });
    const err = await s.run(byName(name), input('x'), context()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OverBudgetError);
    expect((err as OverBudgetError).reason).toMatch(/^over the memory budget of 320 MiB while extracting/);
    await expect(s.run(byName('test-echo'), input('next'), context())).resolves.toMatchObject({ text: expect.stringMatching(/^echo next/) });
  }, 60_000);

  it('leaves the budget to parsing: libraries loaded (pdf.js, its canvas, sharp) do not eat it', async () => {
    // At budgets above 1 GiB, the canvas library's allocator would commit a 1 GiB arena up front
    // (counted by RLIMIT_DATA though never touched) unless told not to (sandbox-process.ts).
    const s = open({ memoryBytes: 1536 * MiB, totalMemoryBytes: 2048 * MiB });
    await expect(s.run(byName('test-headroom'), input('mb=768'), context())).resolves.toMatchObject({ text: 'used 768 MiB' });
  }, 60_000);

  it('reports a process that crashed far from its memory budget as a crash', async () => {
    const s = open();
    const err = await s.run(byName('test-abort'), input('x'), context()).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(UnreadableFileError);
    expect((err as Error).message).toMatch(/^the extraction process crashed \(signal SIGABRT\)/);
  }, 60_000);

  it('stops the largest file when all files together break the shared budget, as a retryable failure', async () => {
    const s = open({ memoryBytes: 400 * MiB, totalMemoryBytes: 400 * MiB });
    const outcomes = await Promise.allSettled([
      s.run(byName('test-hold'), input('mb=224 ms=4000'), context()),
      s.run(byName('test-hold'), input('mb=224 ms=4000'), context()),
    ]);
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(RetryableError);
      expect((f.reason as Error).message).toMatch(/^over the shared memory budget of 400 MiB for all extractions at once/);
    }
  }, 60_000);

  it('cancels a file when its signal aborts: asked first, killed when it does not listen', async () => {
    const s = open({ cancelGraceMs: 300 });
    const polite = new AbortController();
    const waiting = s.run(byName('test-cancellable'), input('x'), context({ signal: polite.signal }));
    setTimeout(() => polite.abort(new Error('worker stopping')), 500);
    await expect(waiting).rejects.toThrow('worker stopping');

    const rude = new AbortController();
    const spinning = s.run(byName('test-spin'), input('x'), context({ signal: rude.signal }));
    setTimeout(() => rude.abort(new Error('file timeout')), 500);
    await expect(spinning).rejects.toThrow('file timeout');
    await expect(s.run(byName('test-echo'), input('next'), context())).resolves.toMatchObject({ text: expect.stringMatching(/^echo next/) });
  }, 60_000);

  it('keeps parsing through a SIGTERM sent to every process (systemd stopping the service): stopping is the supervisor\'s call', async () => {
    const s = open();
    await s.run(byName('test-echo'), input('warm-up'), context());
    const [pid] = s.processIds;
    const running = s.run(byName('test-pages'), input('pages=1 ms=1500'), context());
    setTimeout(() => process.kill(pid!, 'SIGTERM'), 300);
    await expect(running).resolves.toMatchObject({ text: 'paged' });
    expect(s.processIds).toEqual([pid]);
  }, 60_000);

  it('leaves no process behind: on close, and when the main process itself is killed', async () => {
    const s = open();
    await s.run(byName('test-echo'), input('x'), context());
    const pids = s.processIds;
    expect(pids.length).toBe(1);
    await s.close();
    expect(pids.filter(alive)).toEqual([]);

    // A supervisor killed with SIGKILL while its file loops: the parent-death signal ends the process.
    const script = `
      const { ExtractionSandbox } = require(${JSON.stringify(join(__dirname, 'sandbox.ts'))});
      const s = new ExtractionSandbox({ processes: 1, memoryBytes: 320 * 2 ** 20, totalMemoryBytes: 2 ** 30, timeoutMs: 60000, perPageMs: 0, maxTimeoutMs: 60000, extractorModules: [${JSON.stringify(MODULE)}] });
      const spin = { name: 'test-spin', mimeTypes: [] };
      s.run(spin, { path: 'x', name: 'x', size: 1, type: { mime: 'x', kind: 'other' } }, { ocr: {}, limits: {} }).catch(() => {});
      setTimeout(() => { process.stdout.write(String(s.processIds[0])); process.kill(process.pid, 'SIGKILL'); }, 3000);
    `;
    const parent = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    parent.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((resolve) => parent.once('exit', resolve));
    const orphan = Number(out);
    expect(orphan).toBeGreaterThan(0);
    const deadline = Date.now() + 5000;
    while (alive(orphan) && !isZombie(orphan) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(orphan) && !isZombie(orphan)).toBe(false);
  }, 60_000);
});

function isZombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(require('node:fs').readFileSync(`/proc/${pid}/status`, 'latin1') as string);
  } catch {
    return true;
  }
}
