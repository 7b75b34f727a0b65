import { opendir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { errorMessage } from '../../core/errors';
import type { LocalFile, SourceEntry } from '../../core/types';

export interface LocalFolderOptions {
  /** Absolute paths never listed (the index database and its journal, when it lives inside the folder). */
  excludePaths?: string[];
  /** Called for a directory or file that cannot be listed, so the run can report it instead of dropping it. */
  onUnlistable?: (relPath: string, reason: string) => void;
}

/** Files under a local folder, recursively; symbolic links are not followed (they can loop). */
export class LocalFolderSource {
  readonly root: string;
  private readonly excluded: Set<string>;

  constructor(root: string, private readonly opts: LocalFolderOptions = {}) {
    this.root = resolve(root);
    this.excluded = new Set((opts.excludePaths ?? []).map((p) => resolve(p)));
  }

  get description(): string {
    return this.root;
  }

  async *list(signal?: AbortSignal): AsyncIterable<SourceEntry> {
    yield* this.walk(this.root, signal);
  }

  private async *walk(dir: string, signal?: AbortSignal): AsyncIterable<SourceEntry> {
    let handle;
    try {
      handle = await opendir(dir);
    } catch (err) {
      this.opts.onUnlistable?.(this.rel(dir) || '.', `cannot read directory: ${errorMessage(err)}`);
      return;
    }
    const subdirs: string[] = [];
    const files: string[] = [];
    for await (const d of handle) {
      const full = join(dir, d.name);
      if (this.excluded.has(full)) continue;
      if (d.isDirectory()) subdirs.push(full);
      else if (d.isFile()) files.push(full);
    }
    // Sorted so that runs, progress and tests see files in a stable order.
    files.sort();
    subdirs.sort();
    for (const full of files) {
      signal?.throwIfAborted();
      try {
        const st = await stat(full);
        yield { relPath: this.rel(full), size: st.size, mtimeMs: Math.round(st.mtimeMs) };
      } catch (err) {
        this.opts.onUnlistable?.(this.rel(full), `cannot stat file: ${errorMessage(err)}`);
      }
    }
    for (const sub of subdirs) yield* this.walk(sub, signal);
  }

  async fetch(entry: SourceEntry): Promise<LocalFile> {
    // Files are read in place: nothing to copy, nothing to clean up.
    return { path: join(this.root, ...entry.relPath.split('/')), size: entry.size, release: async () => {} };
  }

  private rel(full: string): string {
    return relative(this.root, full).split(sep).join('/');
  }
}
