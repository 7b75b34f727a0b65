import Database from 'better-sqlite3';
import { PeakRssSampler } from '@cis/testbed';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteIndex } from '../src/adapters/sqlite/sqlite-index';
import type { IndexRunSummary } from '../src/programs/local/folder-indexer';
import { expectedMembers, expectedOutcomes, writeHostileFolder, type HostileFolder } from './support/hostile';
import { REPO_ROOT } from './support/worker-harness';

/**
 * Issue 16 in local mode: the hostile-input corpus in one folder with three ordinary files, run
 * through `cis index` as its own process (so the memory of the whole process tree can be read
 * from /proc). Every case must end as promised with its reason, the controls must be indexed and
 * searchable, and the tree must stay under the extraction budget plus the main process.
 */

const MiB = 1024 * 1024;
/** The budgets of this run: each file 512 MiB, all files together 1 GiB. */
const BUDGET = { perFileMb: 512, totalMb: 1024 };
/**
 * The main process on top of the extraction processes: two OCR threads (tesseract's WASM heap
 * is 250–550 MB each), the pipeline, SQLite. Before issue 16 this folder took the tree to 11 GB
 * (and a single DOCX aborted the run).
 */
const MAIN_PROCESS_MARGIN_MB = 1536;

let dir: string;
let folder: HostileFolder;
let run: { code: number | null; stdout: string; stderr: string; peakBytes: number; seconds: number };
let summary: IndexRunSummary;
let db: Database.Database;

function runCis(args: string[], env: NodeJS.ProcessEnv): Promise<typeof run> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'packages/processor/src/programs/cli/main.ts'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sampler = new PeakRssSampler(child.pid!, 50).start();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr, peakBytes: sampler.stop(), seconds: (Date.now() - started) / 1000 })),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cis-hostile-'));
  const files = join(dir, 'files');
  folder = await writeHostileFolder(files, 'test');
  // Entries that are not files: never opened, reported as skipped.
  symlinkSync(join(files, 'control'), join(files, 'link-to-controls'));
  execFileSync('mkfifo', [join(files, 'a-fifo.pdf')]);
  run = await runCis(['index', files, '--db', join(dir, 'index.db'), '--json', '--concurrency', '4'], {
    CIS_EXTRACT_MEMORY_MB: String(BUDGET.perFileMb),
    CIS_EXTRACT_TOTAL_MEMORY_MB: String(BUDGET.totalMb),
    CIS_OCR_THREADS: '2',
  });
  summary = JSON.parse(run.stdout) as IndexRunSummary;
  db = new Database(join(dir, 'index.db'), { readonly: true });
}, 300_000);

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const stored = (path: string) =>
  db.prepare('SELECT status, reason, text FROM docs WHERE path = ?').get(path) as { status: string; reason: string | null; text: string } | undefined;

describe('cis index over the hostile corpus (local mode)', () => {
  it('finishes with exit 0 and accounts for every file, storing what it counts', () => {
    expect({ code: run.code, stderrTail: run.code === 0 ? '' : run.stderr.slice(-3000) }).toEqual({ code: 0, stderrTail: '' });
    const expectedFiles = folder.cases.length + folder.controls.length + folder.names.length;
    expect(summary.files).toBe(expectedFiles);
    // Members of containers are documents of their own, counted apart (a failed one is in `failed`).
    const members = Object.keys(expectedMembers).length;
    expect(summary.indexed + summary.members + summary.failed.length).toBe(expectedFiles + members);
    expect((db.prepare('SELECT count(*) AS n FROM docs').get() as { n: number }).n).toBe(expectedFiles + members);
    // A bound, not a speed figure: every case stops early or within its time budget.
    expect(run.seconds).toBeLessThan(240);
  });

  it.each(Object.entries(expectedOutcomes('test')))('%s ends as promised, with its reason', (path, outcome) => {
    const doc = stored(path);
    expect({ path, status: doc?.status }).toEqual({ path, status: outcome.status });
    if (outcome.reason) expect(doc?.reason ?? '').toMatch(outcome.reason);
    if (outcome.text) expect(doc?.text).toContain(outcome.text);
    if (outcome.status === 'failed') expect(summary.failed).toContainEqual({ path, reason: doc?.reason });
  });

  it.each(Object.entries(expectedMembers))('member %s ends as promised, with its reason', (path, outcome) => {
    const doc = stored(path);
    expect({ path, status: doc?.status }).toEqual({ path, status: outcome.status });
    if (outcome.reason) expect(doc?.reason ?? '').toMatch(outcome.reason);
  });

  it('covers every case of the corpus', () => {
    expect(Object.keys(expectedOutcomes('test')).sort()).toEqual([...folder.cases].sort());
  });

  it('indexes the controls, searchable by their words', async () => {
    const index = new SqliteIndex(join(dir, 'index.db'));
    try {
      for (const control of folder.controls) {
        expect({ path: control.path, status: stored(control.path)?.status }).toEqual({ path: control.path, status: 'indexed' });
        expect(control.words.length).toBeGreaterThan(0);
        for (const word of control.words) {
          expect({ word, hits: (await index.search(word)).map((h) => h.path) }).toEqual({ word, hits: expect.arrayContaining([control.path]) });
        }
      }
    } finally {
      await index.close();
    }
  });

  it('stores names that differ only in normal form or by a backslash as four documents', () => {
    for (const name of folder.names) expect({ path: name.path, text: stored(name.path)?.text }).toEqual({ path: name.path, text: name.text });
  });

  it('reports the symbolic link and the FIFO as skipped, without opening them', () => {
    expect(summary.skippedEntries).toEqual([
      { path: 'a-fifo.pdf', reason: 'named pipe (FIFO): not a file' },
      { path: 'link-to-controls', reason: 'symbolic link: not followed' },
    ]);
  });

  it('keeps the whole process tree under the extraction budget plus the main process', () => {
    const limit = (BUDGET.totalMb + MAIN_PROCESS_MARGIN_MB) * MiB;
    expect({ peakMb: Math.round(run.peakBytes / MiB) }).toEqual({ peakMb: expect.any(Number) });
    expect(run.peakBytes).toBeGreaterThan(0);
    expect(run.peakBytes).toBeLessThan(limit);
  });
});
