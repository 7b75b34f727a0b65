import { buildSet, writeManifest } from '../build';
import { samplesDir, samplesManifestPath } from '../paths';
import { sampleSpecs } from '../sets';

/** `pnpm samples:build`: regenerates samples/ and its manifest (packages/corpus/samples.manifest.json). */
async function main(): Promise<void> {
  const root = samplesDir();
  const t0 = Date.now();
  const manifest = await buildSet(root, 'samples', sampleSpecs(), {
    onFile: (done, total, path, ms) => process.stderr.write(`[${done}/${total}] ${path} (${ms} ms)\n`),
  });
  writeManifest(samplesManifestPath(), manifest);
  const bytes = manifest.entries.reduce((s, e) => s + e.size, 0);
  process.stdout.write(`samples: ${manifest.entries.length} files, ${(bytes / 1024).toFixed(0)} KiB, built in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`samples:build failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
