import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above this package holding pnpm-workspace.yaml. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no pnpm-workspace.yaml above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/** The bundled samples, indexed by the main job. */
export function samplesDir(): string {
  return join(repoRoot(), 'samples');
}

/**
 * What the samples contain and what indexing them must give. Kept outside samples/ so that
 * indexing the folder does not index the answers too.
 */
export function samplesManifestPath(): string {
  return join(repoRoot(), 'packages', 'corpus', 'samples.manifest.json');
}
