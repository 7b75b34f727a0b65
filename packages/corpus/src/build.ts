import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest, ManifestEntry } from './manifest';
import { Rng } from './random';
import type { Made } from './recipes';
import { generatorVersion } from './version';

/** One file of a set: where it goes and how to make it. */
export interface FileSpec {
  path: string;
  make(): Promise<Made> | Made;
}

export interface BuildOptions {
  /** Called after each file, for progress output. */
  onFile?: (done: number, total: number, path: string, ms: number) => void;
}

/**
 * Writes every file of a set under `root` (emptied first) and returns the manifest; the caller
 * decides where the manifest goes (beside the files or outside the indexed folder).
 */
export async function buildSet(root: string, set: string, specs: FileSpec[], opts: BuildOptions = {}): Promise<Manifest> {
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.path)) throw new Error(`duplicate path in set ${set}: ${s.path}`);
    seen.add(s.path);
  }
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const entries: ManifestEntry[] = [];
  for (const [i, spec] of specs.entries()) {
    const t0 = Date.now();
    const made = await withSeededMathRandom(`${set}/${spec.path}`, () => spec.make());
    const file = join(root, spec.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, made.data);
    entries.push({
      path: spec.path,
      ...made.entry,
      size: made.data.length,
      sha256: createHash('sha256').update(made.data).digest('hex'),
    });
    opts.onFile?.(i + 1, specs.length, spec.path, Date.now() - t0);
  }
  return { generator: '@cis/corpus', generatorVersion: generatorVersion(), set, entries };
}

/**
 * pdf-lib names font and image resources with Math.random() suffixes, and Office writers draw
 * ids from it too: seeding it per file makes their output repeatable. Files are made one at a
 * time, so no other code runs in between.
 */
async function withSeededMathRandom<T>(seed: string, fn: () => Promise<T> | T): Promise<T> {
  const original = Math.random;
  const rng = new Rng(seed);
  Math.random = () => rng.next();
  try {
    return await fn();
  } finally {
    Math.random = original;
  }
}

export function writeManifest(path: string, manifest: Manifest): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Memoises a maker, for files derived from another (edited photo copies). */
export function once(make: () => Promise<Made>): () => Promise<Made> {
  let p: Promise<Made> | undefined;
  return () => (p ??= make());
}
