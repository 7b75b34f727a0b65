import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { WORKSPACE_DIR } from './paths';

/** Loads every native and WASM piece the worker uses, the way the worker loads it. */
const NATIVE_PROBE = `
const results = {};
(async () => {
  const sharp = require('sharp');
  results.sharp = (await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).png().toBuffer()).length > 0;
  const Database = require('better-sqlite3');
  const db = new Database(':memory:');
  require('sqlite-vec').load(db);
  results.sqliteVec = db.prepare('select vec_version() as v').get().v;
  results.fts5 = db.prepare("select sqlite_compileoption_used('ENABLE_FTS5') as f").get().f === 1;
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  results.pdfjs = pdfjs.version;
  const path = require('node:path');
  const pdfRoot = path.dirname(require.resolve('pdfjs-dist/package.json'));
  results.pdfjsData = ['cmaps/UniJIS-UCS2-H.bcmap', 'standard_fonts/FoxitSerif.pfb'].every((f) => require('node:fs').existsSync(path.join(pdfRoot, f)));
  const canvasFrom = path.dirname(require.resolve('pdfjs-dist/package.json'));
  const { createCanvas } = require(require.resolve('@napi-rs/canvas', { paths: [canvasFrom] }));
  results.canvas = createCanvas(4, 4).getContext('2d') !== null;
  const core = await require('tesseract.js-core/tesseract-core-simd-lstm')();
  results.tesseractCore = typeof core.TessBaseAPI === 'function';
  results.models = ['jpn', 'eng'].every((l) => require('node:fs').existsSync(path.join(path.dirname(require.resolve('@tesseract.js-data/' + l + '/package.json')), '4.0.0_best_int', l + '.traineddata.gz')));
  results.piscina = typeof require('piscina').Piscina === 'function';
  process.stdout.write('\\n' + JSON.stringify(results) + '\\n');
})().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
`;

export interface VerifyOptions {
  /** Also index a few samples with the copy and search them. */
  deep?: boolean;
  log?: (line: string) => void;
}

/**
 * Copies the bundle outside the workspace and runs it there: `cis.js --help`, the native probe,
 * and with `deep` an index + search over samples. Throws with the failing command's output.
 */
export function verifyWorkerBundle(bundleDir: string, options: VerifyOptions = {}): { commands: string[]; native: Record<string, unknown> } {
  const log = options.log ?? (() => undefined);
  const scratch = mkdtempSync(join(tmpdir(), 'cis-bundle-check-'));
  if (!relative(WORKSPACE_DIR, scratch).startsWith('..')) throw new Error(`bundle: ${scratch} is inside the workspace; set TMPDIR elsewhere`);
  try {
    const copy = join(scratch, 'worker');
    cpSync(bundleDir, copy, { recursive: true });
    const env = { ...process.env, NODE_PATH: '', NODE_OPTIONS: '', CIS_LOG_LEVEL: 'warn' };
    const node = (args: string[], timeoutMs = 60_000) => {
      try {
        return execFileSync(process.execPath, args, { cwd: copy, env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (err) {
        const e = err as { stderr?: string; stdout?: string; message: string };
        throw new Error(`bundle check failed: node ${args.join(' ')}\n${e.stderr || e.stdout || e.message}`);
      }
    };

    const help = node(['cis.js', '--help']);
    const commands = [...help.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    log(`cis.js --help from ${copy}: commands ${commands.join(', ')}`);
    const native = JSON.parse(lastLine(node(['-e', NATIVE_PROBE]))) as Record<string, unknown>;
    const failed = Object.entries(native).filter(([, v]) => v === false);
    if (failed.length > 0) throw new Error(`bundle check failed: ${failed.map(([k]) => k).join(', ')} did not load from the copy`);
    log(`native modules from the copy: ${JSON.stringify(native)}`);

    if (options.deep) deepCheck(node, scratch, log);
    return { commands, native };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Samples covering the pipeline's native parts, each with a word only its extraction can find:
 * an English scan (OCR thread), a PDF whose second page is a Japanese scan, a Word file.
 */
const DEEP_SAMPLES = [
  { file: 'invoice_scan.png', word: 'Kestrel' },
  { file: '納品書_受領印.pdf', word: '決定事項' },
  { file: '業務委託契約書.docx', word: '秘密保持' },
];

function deepCheck(node: (args: string[], timeoutMs?: number) => string, scratch: string, log: (line: string) => void): void {
  const samples = join(scratch, 'samples');
  mkdirSync(samples);
  for (const s of DEEP_SAMPLES) cpSync(join(WORKSPACE_DIR, 'samples', s.file), join(samples, s.file));
  const db = join(scratch, 'index.db');
  const t0 = performance.now();
  const summary = JSON.parse(lastLine(node(['cis.js', 'index', samples, '--db', db, '--json'], 300_000))) as {
    indexed: number;
    ocrPages: number;
    failed: Array<{ path: string; reason: string }>;
  };
  log(`cis.js index from the copy: ${summary.indexed} indexed, ${summary.ocrPages} OCR page(s) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (summary.indexed !== DEEP_SAMPLES.length || summary.failed.length > 0 || summary.ocrPages < 2) {
    throw new Error(`bundle deep check: expected ${DEEP_SAMPLES.length} files indexed with OCR, got ${JSON.stringify(summary)}`);
  }
  for (const s of DEEP_SAMPLES) {
    const { hits } = JSON.parse(lastLine(node(['cis.js', 'search', s.word, '--db', db, '--json']))) as { hits: unknown[] };
    if (hits.length === 0) throw new Error(`bundle deep check: search for ${s.word} (in ${s.file}) found nothing`);
  }
  log(`cis.js search from the copy: ${DEEP_SAMPLES.map((s) => s.word).join(', ')} found`);
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
