import { requireDebianPackage } from '@cis/corpus';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { distance } from 'fastest-levenshtein';
import type { OcrLang } from '../src/core/types';
import { defaultLangPath } from '../src/pipeline/ocr/pool';
import { renderPage } from '../test/support/ocr-pages';
import { normalizeText } from '../src/core/normalize-text';

export const ROOT = join(__dirname, '..', '..', '..');
export const CACHE = join(ROOT, '.cache', 'ocr-bench');

export type Look = 'clean' | 'scanned';

export interface BenchPage {
  name: string;
  lang: OcrLang;
  look: Look;
  file: string;
  data: Buffer;
  text: string;
  dpi: number;
}

/** Generated 300 dpi A4 pages with their known text, cached under .cache/ since scans take seconds each. */
export async function benchPages(perKind: number): Promise<BenchPage[]> {
  const dir = join(CACHE, 'pages-v1');
  mkdirSync(dir, { recursive: true });
  const pages: BenchPage[] = [];
  for (const lang of ['jpn', 'eng'] as const) {
    for (const look of ['clean', 'scanned'] as const) {
      for (let seed = 1; seed <= perKind; seed += 1) {
        const name = `${lang}-${look}-${seed}`;
        const file = join(dir, `${name}.${look === 'clean' ? 'png' : 'jpg'}`);
        const textFile = join(dir, `${name}.txt`);
        if (!existsSync(file) || !existsSync(textFile)) {
          const page = await renderPage({ lang, look, seed: seed * 7919 + (lang === 'jpn' ? 1 : 2) + (look === 'scanned' ? 100 : 0) });
          writeFileSync(file, page.data);
          writeFileSync(textFile, page.text);
        }
        pages.push({ name, lang, look, file, data: readFileSync(file), text: readFileSync(textFile, 'utf8'), dpi: 300 });
      }
    }
  }
  return pages;
}

/** Character error rate over non-space characters, both sides normalised the same way. */
export function cer(reference: string, ocr: string): number {
  const strip = (s: string) => normalizeText(s).replace(/\s+/gu, '');
  const ref = strip(reference);
  return distance(ref, strip(ocr)) / Math.max(1, ref.length);
}

/** Debian's tesseract with the very models tesseract.js uses (4.0.0_best_int, unpacked). */
export function nativeTessdata(): string {
  requireDebianPackage('tesseract-ocr', { command: 'tesseract' });
  requireDebianPackage('time', { file: '/usr/bin/time' });
  const dir = join(CACHE, 'tessdata-best_int');
  mkdirSync(dir, { recursive: true });
  for (const lang of ['jpn', 'eng'] as const) {
    const out = join(dir, `${lang}.traineddata`);
    if (!existsSync(out)) writeFileSync(out, gunzipSync(readFileSync(join(defaultLangPath(lang), `${lang}.traineddata.gz`))));
  }
  return dir;
}

export interface NativeRun {
  text: string;
  seconds: number;
  /** User plus system CPU seconds of the tesseract process. */
  cpuSeconds: number;
}

export function runNative(tessdata: string, file: string, lang: OcrLang, dpi: number): Promise<NativeRun> {
  const t0 = performance.now();
  const args = ['-f', 'CPU %U %S', 'tesseract', file, 'stdout', '-l', lang, '--psm', '3', '--dpi', String(dpi), '--tessdata-dir', tessdata];
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', args, { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString();
      const cpu = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      if (code !== 0 || !cpu) reject(new Error(`tesseract exited ${code}: ${stderr}`));
      else resolve({ text: Buffer.concat(out).toString('utf8'), seconds: (performance.now() - t0) / 1000, cpuSeconds: Number(cpu[1]) + Number(cpu[2]) });
    });
  });
}

/** Runs `fn` over `items` with at most `concurrency` at a time; results in input order. */
export async function mapConcurrent<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

export function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}
