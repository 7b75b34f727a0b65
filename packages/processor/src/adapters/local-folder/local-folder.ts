import type { Dirent, Stats } from 'node:fs';
import { lstat, opendir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { errorMessage } from '../../core/errors';
import type { LocalFile, SourceEntry } from '../../core/types';

export interface LocalFolderOptions {
  /** Absolute paths never listed (the index database and its journal, when it lives inside the folder). */
  excludePaths?: string[];
  /** Called for a directory or file that cannot be listed, so the run can report it instead of dropping it. */
  onUnlistable?: (relPath: string, reason: string) => void;
  /** Called for an entry that is not a regular file or a directory (never read), so the run can report it. */
  onSkipped?: (relPath: string, reason: string) => void;
}

/**
 * Why an entry that is neither a regular file nor a directory is not indexed. Symbolic links
 * are not followed: they can loop, or lead out of the folder. A FIFO would block the reader
 * forever; sockets and devices hold no document.
 */
function notAFile(d: Pick<Dirent | Stats, 'isSymbolicLink' | 'isFIFO' | 'isSocket' | 'isBlockDevice' | 'isCharacterDevice'>): string {
  if (d.isSymbolicLink()) return 'symbolic link: not followed';
  if (d.isFIFO()) return 'named pipe (FIFO): not a file';
  if (d.isSocket()) return 'socket: not a file';
  if (d.isBlockDevice() || d.isCharacterDevice()) return 'device: not a file';
  return 'not a regular file';
}

/**
 * Files under a local folder, recursively. Entries that are not regular files or directories
 * (symbolic links, FIFOs, sockets, devices) are never opened; each is reported to `onSkipped`.
 */
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
      // Some file systems do not report entry types in directory listings: ask them.
      const kind: Pick<Dirent | Stats, 'isFile' | 'isDirectory'> & Parameters<typeof notAFile>[0] =
        d.isFile() || d.isDirectory() || d.isSymbolicLink() || d.isFIFO() || d.isSocket() || d.isBlockDevice() || d.isCharacterDevice()
          ? d
          : await lstat(full).catch(() => d);
      if (kind.isDirectory()) subdirs.push(full);
      else if (kind.isFile()) files.push(full);
      else this.opts.onSkipped?.(this.rel(full), notAFile(kind));
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
