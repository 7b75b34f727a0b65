import { readFileSync, writeFileSync } from 'node:fs';
import type { Manifest } from '@cis/corpus';
import { runNative } from './baseline';

/**
 * Entry point of the native baseline as its own process, so that the bench measures its memory
 * the same way as ours: argv = corpus root, manifest, tessdata dir, output JSON.
 */
async function main(): Promise<void> {
  const [root, manifestPath, tessdata, out] = process.argv.slice(2);
  if (!root || !manifestPath || !tessdata || !out) throw new Error('usage: cli.ts <root> <manifest.json> <tessdata> <out.json>');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const lang = new Map(manifest.entries.map((e) => [e.path, e.language === 'ja' ? ('jpn' as const) : ('eng' as const)]));
  let last = 0;
  const run = await runNative(root, {
    tessdata,
    langOf: (rel) => lang.get(rel) ?? 'eng',
    concurrency: 2,
    maxPixels: 100_000_000,
    onFile: (done, total) => {
      if (Date.now() - last > 5000 || done === total) {
        last = Date.now();
        process.stderr.write(`native: ${done}/${total} files\n`);
      }
    },
  });
  writeFileSync(out, JSON.stringify(run));
}

main().catch((err: unknown) => {
  process.stderr.write(`native baseline failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
