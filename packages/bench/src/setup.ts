import { benchSpecs, buildSet, generatorVersion, repoRoot, writeManifest, type BenchSize, type Manifest } from '@cis/corpus';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface Corpus {
  size: BenchSize;
  /** The folder that is indexed (the manifest lives beside it, not in it). */
  filesDir: string;
  manifest: Manifest;
  /** Seconds spent generating, or undefined when a cached build was reused. */
  buildSeconds?: number;
}

/** The corpus under .cache/bench-corpus/<size>/, rebuilt only when the generator's source changed. */
export async function ensureCorpus(size: BenchSize): Promise<Corpus> {
  const base = join(repoRoot(), '.cache', 'bench-corpus', size);
  const filesDir = join(base, 'files');
  const manifestPath = join(base, 'manifest.json');
  const version = generatorVersion();
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (manifest.generatorVersion === version && existsSync(filesDir)) return { size, filesDir, manifest };
  }
  process.stderr.write(`bench: generating the ${size} corpus (generator ${version}) into ${base}\n`);
  const t0 = Date.now();
  let last = 0;
  const manifest = await buildSet(filesDir, `bench-${size}`, benchSpecs(size), {
    onFile: (done, total, path) => {
      if (Date.now() - last > 3000 || done === total) {
        last = Date.now();
        process.stderr.write(`  ${done}/${total} ${path}\n`);
      }
    },
  });
  writeManifest(manifestPath, manifest);
  return { size, filesDir, manifest, buildSeconds: (Date.now() - t0) / 1000 };
}

/**
 * A tessdata folder with the very models tesseract.js uses (best_int, from @tesseract.js-data),
 * so that the native baseline differs from ours in the engine build only.
 */
export function ensureTessdata(): string {
  const dir = join(repoRoot(), '.cache', 'bench', 'tessdata');
  mkdirSync(dir, { recursive: true });
  for (const lang of ['eng', 'jpn']) {
    const src = require.resolve(`@tesseract.js-data/${lang}/4.0.0_best_int/${lang}.traineddata.gz`);
    const dst = join(dir, `${lang}.traineddata`);
    if (!existsSync(dst) || statSync(dst).mtimeMs < statSync(src).mtimeMs) writeFileSync(dst, gunzipSync(readFileSync(src)));
  }
  return dir;
}
