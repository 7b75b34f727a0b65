import { repoRoot, requireDebianPackage } from '@cis/corpus';
import { cpus, totalmem } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { NativeRun } from './native/baseline';
import { formatCpu, nativeCpu, oursCpu } from './cpu';
import { runOurs, type OursRun } from './ours';
import { formatComparison, formatIsolation, formatMismatches, formatStages, type Side } from './report';
import { runMeasured, type ProcessRun } from './run';
import { score, type FileOutcome } from './score';
import { ensureCorpus, ensureTessdata, type Corpus } from './setup';
import { stageStats } from './stats';

/**
 * `pnpm bench [--quick] [--skip-ours] [--skip-native] [--from-source]`: builds (or reuses) the
 * generated corpus, indexes it with our pipeline (the worker bundle, or with --from-source the
 * source tree through tsx) and with a native poppler + tesseract baseline, and prints both side
 * by side. A benchmark: it prints figures and never fails on speed.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'skip-ours': { type: 'boolean', default: false },
      'skip-native': { type: 'boolean', default: false },
      'from-source': { type: 'boolean', default: false },
    },
  });
  // The native baseline's tools; the corpus builder checks its own (qpdf, fonts).
  requireDebianPackage('tesseract-ocr', { command: 'tesseract' });
  for (const command of ['pdftotext', 'pdfimages']) requireDebianPackage('poppler-utils', { command });
  requireDebianPackage('poppler-data', { file: '/usr/share/poppler/cMap' });
  requireDebianPackage('unzip', { command: 'unzip' });
  const corpus = await ensureCorpus(values.quick ? 'quick' : 'full');
  const work = join(repoRoot(), '.cache', 'bench');
  mkdirSync(work, { recursive: true });
  const ocrTruthPages = corpus.manifest.entries.reduce((s, e) => s + e.ocrPages.length, 0);
  process.stdout.write(
    `corpus ${corpus.size}: ${corpus.manifest.entries.length} files, ${ocrTruthPages} pages that need OCR, generator ${corpus.manifest.generatorVersion}` +
      `${corpus.buildSeconds === undefined ? ' (cached)' : `, generated in ${corpus.buildSeconds.toFixed(1)} s`}\n  ${corpus.filesDir}\n\n`,
  );

  let ours: Side | undefined;
  let oursRaw: OursRun | undefined;
  if (!values['skip-ours']) {
    const build = values['from-source'] ? 'source' : 'bundle';
    process.stderr.write(`bench: running ours (cis index, ${build === 'bundle' ? 'the worker bundle' : 'the source tree through tsx'})…\n`);
    oursRaw = await runOurs(corpus.filesDir, work, build);
    ours = oursSide(oursRaw, corpus);
    if (ours.error) process.stdout.write(`ours could not be measured: ${ours.error}\n\n`);
  }
  let native: Side | undefined;
  let nativeRaw: NativeRun | undefined;
  let nativeProcess: ProcessRun | undefined;
  if (!values['skip-native']) {
    process.stderr.write('bench: running the native baseline (pdftotext, pdfimages, tesseract CLI; 2 processes)…\n');
    ({ side: native, raw: nativeRaw, process: nativeProcess } = await runNativeSide(corpus, work));
  }

  if (native) {
    process.stdout.write(`${formatComparison(ours, native)}\n\n`);
    if (ours && !ours.error) process.stdout.write(`${formatStages(ours)}\n`);
    process.stdout.write(`${formatStages(native)}\n\n`);
    if (ours && !ours.error) process.stdout.write(`${formatMismatches(ours)}\n`);
    process.stdout.write(`${formatMismatches(native)}\n`);
  } else if (ours && !ours.error) {
    process.stdout.write(`${formatStages(ours)}\n${formatMismatches(ours)}\n`);
  }
  if (oursRaw && ours && !ours.error) {
    const p = oursRaw.process;
    process.stdout.write(`${formatCpu('ours', oursCpu(p.pid, p.threads), p.cpuSeconds, p.seconds)}\n`);
  }
  if (nativeProcess && native && !native.error) {
    process.stdout.write(`${formatCpu('native', nativeCpu(nativeProcess.threads), nativeProcess.cpuSeconds, nativeProcess.seconds)}\n`);
  }
  const isolation = ours && !ours.error ? formatIsolation(ours) : undefined;
  if (isolation) process.stdout.write(`${isolation}\n`);

  const last = join(work, 'last.json');
  const oursSummary = oursRaw?.summary && !ours?.error ? oursRaw.summary : undefined;
  writeFileSync(
    last,
    `${JSON.stringify(
      {
        // Top level: our run, in the shape of `cis index --json` (what `cis plan --from-bench` reads).
        ...(oursSummary ?? {}),
        cpus: cpus().length,
        bench: {
          corpus: { size: corpus.size, files: corpus.manifest.entries.length, ocrPages: ocrTruthPages, generatorVersion: corpus.manifest.generatorVersion },
          machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, totalMemBytes: totalmem(), node: process.version },
          ours: ours ?? null,
          native: native ?? null,
          nativeFiles: nativeRaw?.files.map(({ text: _t, ...rest }) => rest) ?? null,
        },
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`\nwritten: ${last}\n`);
}

function oursSide(run: OursRun, corpus: Corpus): Side {
  const s = run.summary;
  const minutes = run.process.seconds / 60;
  const base: Side = {
    name: 'ours',
    error: run.error,
    files: s?.files ?? 0,
    seconds: run.process.seconds,
    filesPerMin: (s?.files ?? 0) / minutes,
    ocrPages: s?.ocrPages ?? 0,
    ocrPagesPerMin: (s?.ocrPages ?? 0) / minutes,
    ocrSecondsPerPage: s?.stages.ocr && s.ocrPages ? s.stages.ocr.totalMs / 1000 / s.ocrPages : undefined,
    peakRssBytes: run.process.peakRssBytes,
    indexed: 0,
    metadataOnly: 0,
    failed: s?.failed.length ?? 0,
    stages: s?.stages ?? {},
  };
  if (run.outcomes) {
    const statuses = [...run.outcomes.values()].map((o) => o.status);
    base.indexed = statuses.filter((x) => x === 'indexed').length;
    base.metadataOnly = statuses.filter((x) => x === 'metadata_only').length;
    base.failed = statuses.filter((x) => x === 'failed').length;
    base.accuracy = score(corpus.manifest, run.outcomes);
  }
  return base;
}

async function runNativeSide(corpus: Corpus, work: string): Promise<{ side: Side; raw?: NativeRun; process: ProcessRun }> {
  const out = join(work, 'native.json');
  const manifestPath = join(corpus.filesDir, '..', 'manifest.json');
  const run = await runMeasured(process.execPath, ['--import', 'tsx', join(__dirname, 'native', 'cli.ts'), corpus.filesDir, manifestPath, ensureTessdata(), out], {
    cwd: repoRoot(),
    echoStderr: true,
  });
  const minutes = run.seconds / 60;
  if (run.code !== 0) {
    return {
      process: run,
      side: { name: 'native', error: run.stderr.slice(-500), files: 0, seconds: run.seconds, filesPerMin: 0, ocrPages: 0, ocrPagesPerMin: 0, peakRssBytes: run.peakRssBytes, indexed: 0, metadataOnly: 0, failed: 0, stages: {} },
    };
  }
  const raw = JSON.parse(readFileSync(out, 'utf8')) as NativeRun;
  const ocrPages = raw.files.reduce((s, f) => s + f.ocrPages, 0);
  const tesseractMs = (raw.stages.tesseract ?? []).reduce((s, v) => s + v, 0);
  const outcomes = new Map<string, FileOutcome>(raw.files.map((f) => [f.path, { path: f.path, status: f.status, text: f.text, reason: f.reason }]));
  const side: Side = {
    name: 'native',
    files: raw.files.length,
    seconds: run.seconds,
    filesPerMin: raw.files.length / minutes,
    ocrPages,
    ocrPagesPerMin: ocrPages / minutes,
    ocrSecondsPerPage: ocrPages ? tesseractMs / 1000 / ocrPages : undefined,
    peakRssBytes: run.peakRssBytes,
    indexed: raw.files.filter((f) => f.status === 'indexed').length,
    metadataOnly: raw.files.filter((f) => f.status === 'metadata_only').length,
    failed: raw.files.filter((f) => f.status === 'failed').length,
    stages: Object.fromEntries(Object.entries(raw.stages).map(([k, v]) => [k, stageStats(v)])),
    accuracy: score(corpus.manifest, outcomes),
  };
  return { side, raw, process: run };
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
