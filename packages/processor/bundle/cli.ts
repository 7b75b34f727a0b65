/**
 * pnpm bundle [--out <dir>] [--deep]
 *
 * Builds into packages/processor/dist/worker-bundle (or --out), then runs the copy checks: the
 * folder is copied outside the workspace (so nothing resolves from the workspace's node_modules)
 * and `cis.js --help` plus a load of every native module run there. --deep also indexes a few
 * samples with the copy (PDF, OCR, Office, SQLite) and searches the result.
 */
import { relative } from 'node:path';
import { buildWorkerBundle } from './build';
import { verifyWorkerBundle } from './verify';

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(0)} KiB`;
}

function cli(argv: string[]): void {
  const outIndex = argv.indexOf('--out');
  const outDir = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  if (outIndex >= 0 && !outDir) throw new Error('--out needs a folder');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const t0 = performance.now();
  const report = buildWorkerBundle({ outDir, log });
  const built = performance.now();
  verifyWorkerBundle(report.outDir, { deep: argv.includes('--deep'), log });
  const lines = [
    `worker bundle: ${relative(process.cwd(), report.outDir) || '.'} — ${formatBytes(report.bytes)} in ${report.files} files (built in ${((built - t0) / 1000).toFixed(1)} s, checked in ${((performance.now() - built) / 1000).toFixed(1)} s)`,
    ...report.entries.map((e) => `  ${e.file.padEnd(44)} ${formatBytes(e.bytes).padStart(10)}`),
    ...report.packages.map((p) => `  node_modules/${`${p.at}@${p.version}`.padEnd(31)} ${formatBytes(p.bytes).padStart(10)}`),
    `  native files need at most GLIBC_${report.libc.GLIBC}, GLIBCXX_${report.libc.GLIBCXX} (Amazon Linux 2023: 2.34, 3.4.29)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  cli(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
