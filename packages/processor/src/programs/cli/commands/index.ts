import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { composePipeline } from '../../../compose';
import { extractionSettings } from '../../../config/extraction';
import { UsageError } from '../../../core/errors';
import { SqliteIndex } from '../../../adapters/sqlite/sqlite-index';
import { indexFolder, type IndexRunSummary } from '../../local/folder-indexer';
import { log } from '../../../core/log';
import { positiveInt } from '../options';
import { dbPath, userPath } from '../paths';

interface IndexOptions {
  db?: string;
  json?: boolean;
  force?: boolean;
  concurrency?: number;
}

export function register(program: Command): void {
  program
    .command('index')
    .description('index a folder into the embedded index (new and changed files; removes deleted ones)')
    .argument('<dir>', 'folder to index')
    .option('--db <file>', 'index database (default: $CIS_DB or .cis/index.db)')
    .option('--json', 'print the run summary as one JSON object on stdout')
    .option('--force', 'redo files even when their content is unchanged')
    .option('--concurrency <n>', 'files processed at once (default: 2 × OCR threads)', positiveInt)
    .action((dir: string, opts: IndexOptions) => runIndex(dir, opts));
}

async function runIndex(dirArg: string, opts: IndexOptions): Promise<void> {
  const root = userPath(dirArg);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`not a directory: ${dirArg}`);
  const settings = extractionSettings();
  const db = dbPath(opts.db);
  const index = new SqliteIndex(db);
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const concurrency = opts.concurrency ?? settings.ocr.threads * 2;
  const stack = composePipeline(settings, { concurrency });
  try {
    const boundRoot = index.getMeta('root');
    if (boundRoot && boundRoot !== root) {
      throw new UsageError(`${db} is the index of ${boundRoot}; use --db to index ${root} into a separate index`);
    }
    index.setMeta('root', root);
    const progress = createProgress();
    const summary = await indexFolder({
      root,
      excludePaths: [db, `${db}-wal`, `${db}-shm`, `${db}-journal`],
      index,
      pipeline: stack.pipeline,
      concurrency,
      force: opts.force,
      signal: abort.signal,
      onProgress: progress.update,
    });
    progress.stop();
    process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : humanSummary(summary, relative(process.env.INIT_CWD ?? process.cwd(), db) || db));
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await stack.close();
    await index.close();
  }
}

/** A bar on a terminal; elsewhere (CI, pipes) a log line every few seconds. */
function createProgress(): { update(e: { done: number; total: number; path: string }): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: '{bar} {value}/{total} files | {eta_formatted} left | {file}',
      hideCursor: true,
      stream: process.stderr,
    });
    let started = false;
    return {
      update: (e) => {
        if (!started) {
          bar.start(e.total, 0, { file: '' });
          started = true;
        }
        bar.update(e.done, { file: e.path.length > 40 ? `…${e.path.slice(-39)}` : e.path });
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update: (e) => {
      const now = Date.now();
      if (now - last < 5000 && e.done !== e.total) return;
      last = now;
      log.info({ done: e.done, total: e.total, path: e.path }, 'indexing progress');
    },
    stop: () => {},
  };
}

function humanSummary(s: IndexRunSummary, db: string): string {
  const lines = [
    `${s.files} files in ${s.seconds} s (${s.filesPerMin} files/min): ${s.indexed} indexed` +
      `${s.metadataOnly ? ` (${s.metadataOnly} by metadata only)` : ''}, ${s.skipped} unchanged, ` +
      `${s.failed.length} failed, ${s.removed} removed; ${s.ocrPages} pages OCR'd` +
      `${s.skippedEntries.length ? `; ${s.skippedEntries.length} entries not files, skipped` : ''}`,
    ...s.failed.map((f) => `  failed: ${f.path}: ${f.reason}`),
    ...s.skippedEntries.map((f) => `  skipped: ${f.path}: ${f.reason}`),
    'stage        p50 ms    p95 ms   total ms',
    ...Object.entries(s.stages).map(
      ([stage, t]) => `${stage.padEnd(10)} ${fmt(t.p50Ms)} ${fmt(t.p95Ms)} ${fmt(t.totalMs, 10)}`,
    ),
    `index: ${db}`,
  ];
  return `${lines.join('\n')}\n`;
}

function fmt(n: number, width = 9): string {
  return n.toFixed(1).padStart(width);
}
