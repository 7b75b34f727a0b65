import Database from 'better-sqlite3';
import { repoRoot } from '@cis/corpus';
import { existsSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { runMeasured, type ProcessRun } from './run';
import type { FileOutcome } from './score';

/** The `cis index --json` summary, as far as the bench reads it. */
export interface OursSummary {
  files: number;
  indexed: number;
  skipped: number;
  metadataOnly?: number;
  failed: Array<{ path: string; reason: string }>;
  ocrPages: number;
  seconds: number;
  filesPerMin: number;
  stages: Record<string, { p50Ms: number; p95Ms: number; totalMs: number }>;
}

export interface OursRun {
  process: ProcessRun;
  summary?: OursSummary;
  outcomes?: Map<string, FileOutcome>;
  /** Why ours could not be measured (CLI missing, crash, unparsable output). */
  error?: string;
}

/** How ours is started: the worker bundle as the fleet runs it, or the source tree as `pnpm cis` runs it. */
export type OursBuild = 'bundle' | 'source';

/**
 * The worker bundle (`pnpm bundle`, built and checked into `<workDir>/bundle`): what ships. Its
 * extraction processes and OCR threads start from esbuild output instead of going through tsx,
 * which cost the extraction processes about 3 s of CPU and 80 MB on the full corpus.
 */
export async function buildBundle(workDir: string): Promise<string> {
  const out = join(workDir, 'bundle');
  const run = await runMeasured(process.execPath, ['--import', 'tsx', 'packages/processor/bundle/cli.ts', '--out', out], { cwd: repoRoot() });
  if (run.code !== 0) throw new Error(`pnpm bundle failed (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-5).join('\n')}`);
  return join(out, 'cis.js');
}

/**
 * Runs `cis index <dir> --db <tmp> --json`: with `build` 'bundle' as `node <bundle>/cis.js`, with
 * 'source' as `pnpm cis` does but through `node --import tsx`, so that the measured process tree
 * holds the pipeline and nothing of pnpm itself.
 */
export async function runOurs(filesDir: string, workDir: string, build: OursBuild = 'bundle'): Promise<OursRun> {
  const db = join(workDir, 'ours.db');
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const root = repoRoot();
  const entry = build === 'bundle' ? [await buildBundle(workDir)] : ['--import', 'tsx', 'packages/processor/src/programs/cli/main.ts'];
  const run = await runMeasured(process.execPath, [...entry, 'index', filesDir, '--db', db, '--json'], {
    cwd: root,
    env: { ...process.env, INIT_CWD: root },
  });
  const tail = run.stderr.trim().split('\n').slice(-5).join('\n');
  if (run.code !== 0) return { process: run, error: `exit ${run.code}: ${tail}` };
  const line = run.stdout.trim().split('\n').pop() ?? '';
  let summary: OursSummary;
  try {
    summary = JSON.parse(line) as OursSummary;
  } catch {
    return { process: run, error: `no JSON summary on stdout: ${line.slice(0, 200)}` };
  }
  if (!existsSync(db)) return { process: run, summary, error: `no index database at ${db}` };
  return { process: run, summary, outcomes: readOutcomes(db, filesDir) };
}

/** What the index stored per file (text, status, reason), by path relative to the corpus root. */
function readOutcomes(db: string, filesDir: string): Map<string, FileOutcome> {
  const conn = new Database(db, { readonly: true });
  try {
    const rows = conn.prepare('SELECT path, text, status, reason FROM docs').all() as Array<{ path: string; text: string; status: string; reason: string | null }>;
    return new Map(
      rows.map((r) => {
        const rel = isAbsolute(r.path) ? relative(filesDir, r.path).split('\\').join('/') : r.path;
        return [rel, { path: rel, status: r.status, text: r.text, reason: r.reason ?? undefined }];
      }),
    );
  } finally {
    conn.close();
  }
}
