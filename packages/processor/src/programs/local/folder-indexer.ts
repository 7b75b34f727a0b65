import { errorMessage } from '../../core/errors';
import { forEachConcurrent } from '../../core/concurrency';
import { fileId } from '../../core/ids';
import type { Pipeline } from '../../pipeline/pipeline';
import { StageStats, type StageSummary } from '../../core/timing';
import type { IndexDocument, SourceEntry } from '../../core/types';
import type { SqliteIndex } from '../../adapters/sqlite/sqlite-index';
import { log } from '../../core/log';
import { LocalFolderSource } from '../../adapters/local-folder/local-folder';

export interface IndexRunSummary {
  files: number;
  /** Stored this run, including metadata-only documents. */
  indexed: number;
  /** Of `indexed` and `members`, stored by metadata only (no reader for the type). */
  metadataOnly: number;
  /** Members of containers (zip files, mail attachments) stored as documents of their own; failed ones are in `failed`. */
  members: number;
  /** Unchanged since the last run. */
  skipped: number;
  failed: Array<{ path: string; reason: string }>;
  /** Entries that are not regular files (symbolic links, FIFOs, sockets, devices): never read, not indexed. */
  skippedEntries: Array<{ path: string; reason: string }>;
  /** Documents whose files disappeared from the folder. */
  removed: number;
  ocrPages: number;
  seconds: number;
  filesPerMin: number;
  stages: Record<string, StageSummary>;
}

export interface ProgressEvent {
  done: number;
  total: number;
  path: string;
  status: string;
}

export interface FolderIndexerOptions {
  root: string;
  /** Absolute paths never indexed (the index database, when it lives inside the folder). */
  excludePaths?: string[];
  index: SqliteIndex;
  pipeline: Pipeline;
  /** Files processed at once; more than the OCR threads, so the pool never waits on PDF parsing. */
  concurrency: number;
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
}

/** Documents are written in transactions of this many; a crash loses at most one batch of work. */
const BATCH = 25;

/**
 * Local mode: makes the index mirror a folder. New and changed files are processed,
 * unchanged content is skipped, files gone from the folder are removed from the index.
 */
export async function indexFolder(opts: FolderIndexerOptions): Promise<IndexRunSummary> {
  const started = performance.now();
  const { index, pipeline, signal } = opts;
  const stats = new StageStats();
  const failed: IndexRunSummary['failed'] = [];
  const skippedEntries: IndexRunSummary['skippedEntries'] = [];
  const unlistable: string[] = [];
  const source = new LocalFolderSource(opts.root, {
    excludePaths: opts.excludePaths,
    onUnlistable: (path, reason) => {
      unlistable.push(path);
      failed.push({ path, reason });
    },
    onSkipped: (path, reason) => skippedEntries.push({ path, reason }),
  });
  let indexed = 0;
  let metadataOnly = 0;
  let members = 0;
  let skipped = 0;
  let ocrPages = 0;

  const entries: SourceEntry[] = [];
  for await (const entry of source.list(signal)) entries.push(entry);
  const total = entries.length;

  let pending: IndexDocument[] = [];
  let pendingTimings: Array<Record<string, number>> = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const [docs, timings] = [pending, pendingTimings];
    pending = [];
    pendingTimings = [];
    const t0 = performance.now();
    await index.upsert(docs);
    const perDoc = (performance.now() - t0) / docs.length;
    for (const t of timings) stats.add({ ...t, index: perDoc });
  };

  let done = 0;
  await forEachConcurrent(entries, opts.concurrency, async (entry) => {
    const id = fileId(entry.relPath);
    let status: string;
    try {
      const known = (await index.getState([id])).get(id);
      const file = await source.fetch(entry);
      try {
        const result = await pipeline.process({ entry, file, id, known, force: opts.force, signal });
        status = result.status;
        ocrPages += result.ocrPages;
        if (result.status === 'skipped') {
          skipped++;
          stats.add(result.timings);
        } else {
          if (result.status === 'failed') failed.push({ path: entry.relPath, reason: result.reason ?? 'unknown' });
          else {
            indexed++;
            if (result.status === 'metadata_only') metadataOnly++;
          }
          pending.push(result.doc!);
          pendingTimings.push(result.timings);
          if (!result.members && result.doc!.kind === 'container') {
            // A container that cannot be read (or opened, at its depth) now keeps no members of an older version.
            const stale = await index.membersOf([id]);
            if (stale.length > 0) await index.remove(stale);
          }
          if (result.members) {
            // A changed container replaces its members: those not in it any more go.
            const now = new Set(result.members.map((m) => m.doc!.id));
            const stale = (await index.membersOf([id])).filter((m) => !now.has(m));
            if (stale.length > 0) await index.remove(stale);
            for (const m of result.members) {
              if (m.status === 'failed') failed.push({ path: m.doc!.path, reason: m.reason ?? 'unknown' });
              else {
                members++;
                if (m.status === 'metadata_only') metadataOnly++;
              }
              ocrPages += m.ocrPages;
              pending.push(m.doc!);
              pendingTimings.push(m.timings);
            }
          }
          if (pending.length >= BATCH) await flush();
        }
      } finally {
        await file.release();
      }
    } catch (err) {
      if (signal?.aborted) throw err;
      // Reading the file itself failed (permissions, vanished mid-run): report it, keep going.
      status = 'failed';
      failed.push({ path: entry.relPath, reason: `cannot read file: ${errorMessage(err)}` });
    }
    done++;
    opts.onProgress?.({ done, total, path: entry.relPath, status });
  });
  await flush();

  const removed = await removeVanished(index, entries, unlistable);
  const seconds = (performance.now() - started) / 1000;
  const summary: IndexRunSummary = {
    files: total,
    indexed,
    metadataOnly,
    members,
    skipped,
    failed: failed.sort((a, b) => a.path.localeCompare(b.path)),
    skippedEntries: skippedEntries.sort((a, b) => a.path.localeCompare(b.path)),
    removed,
    ocrPages,
    seconds: Math.round(seconds * 100) / 100,
    filesPerMin: seconds > 0 ? Math.round((total / seconds) * 60 * 10) / 10 : 0,
    stages: stats.summary(),
  };
  // Debug, not info: the caller prints this summary itself (a table, or JSON with --json) on stdout;
  // at info it was a second copy of the same figures between the table and the shell prompt.
  log.debug({ source: source.description, ...summary, failed: failed.length, skippedEntries: skippedEntries.length }, 'index run finished');
  return summary;
}

export async function removeVanished(index: SqliteIndex, seen: SourceEntry[], unlistable: string[]): Promise<number> {
  const present = new Set(seen.map((e) => fileId(e.relPath)));
  // A directory that could not be read this time keeps its documents: unreadable is not deleted.
  const keep = (path: string) => unlistable.some((dir) => dir === '.' || path === dir || path.startsWith(`${dir}/`));
  // Members of containers are not files of the folder: they go with their container.
  const gone = (await index.allDocs()).filter((d) => !d.container && !present.has(d.id) && !keep(d.path)).map((d) => d.id);
  if (gone.length === 0) return 0;
  const members = await index.membersOf(gone);
  await index.remove([...gone, ...members]);
  return gone.length + members.length;
}
