/**
 * OCR benchmark (`pnpm bench:ocr`): tesseract.js through the pool against the native tesseract CLI
 * with the same model, character error rates, the language strategies, and the RSS of an OCR
 * thread over many pages. Prints figures; asserts nothing.
 *
 *   pnpm bench:ocr [--pages 4] [--threads 2] [--rss-pages 500] [--rss-recycle 100] [--skip native,strategy,rss]
 *
 * --pages: pages per (language × clean/scanned); --rss-pages 0 or --skip rss for a short run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { OcrImage, OcrLang } from '../src/core/types';
import { createOcrPool, type OcrPoolOptions } from '../src/pipeline/ocr/pool';
import { toGreyPage, toPgm } from '../src/pipeline/ocr/preprocess';
import type { OcrPass } from '../src/pipeline/ocr/protocol';
import {
  CACHE,
  benchPages,
  cer,
  mapConcurrent,
  mean,
  nativeTessdata,
  percentile,
  runNative,
  table,
  type BenchPage,
} from './ocr-bench-lib';

const { values: args } = parseArgs({
  options: {
    pages: { type: 'string', default: '4' },
    threads: { type: 'string', default: '2' },
    'rss-pages': { type: 'string', default: '500' },
    'rss-recycle': { type: 'string', default: '100' },
    skip: { type: 'string', default: '' },
  },
});
const threads = Number(args.threads);
const skip = new Set(args.skip!.split(',').filter(Boolean));

interface PageRun {
  page: BenchPage;
  seconds: number;
  text: string;
  lang: OcrLang;
  cpuSeconds?: number;
  passes?: OcrPass[];
}

interface Variant {
  name: string;
  runs: PageRun[];
  wallSeconds: number;
  /** CPU seconds per page: robust where wall time is not, on a machine shared with other work. */
  cpuPerPage: number;
}

// Generous limits: this bench shares two cores with whatever else runs, and measures, it does not police.
const BENCH_LIMITS = { taskTimeoutMs: 600_000, initTimeoutMs: 300_000 };
/** The pool takes ownership of what it is given (the buffer moves to the thread): give it a copy. */
const copy = (data: Buffer) => new Uint8Array(data);
const out = (line = '') => process.stdout.write(`${line}\n`);
const f2 = (n: number) => n.toFixed(2);
const pct = (n: number) => `${(n * 100).toFixed(2)}%`;

type Input = (page: BenchPage) => { image: OcrImage; dpi: number };
const encoded: Input = (page) => ({ image: { kind: 'encoded', data: copy(page.data) }, dpi: page.dpi });

async function poolVariant(name: string, pages: BenchPage[], options: OcrPoolOptions, forceLang: boolean, input = encoded): Promise<Variant> {
  const pool = createOcrPool({ threads, ...BENCH_LIMITS, ...options });
  try {
    // Warm every thread (start-up is paid once per thread, not per page).
    const warm = pages.filter((p) => p.look === 'clean').slice(0, threads);
    await Promise.all(warm.map((p) => pool.recognize(input(p).image, { dpi: input(p).dpi })));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const runs = await mapConcurrent(pages, threads, async (page) => {
      const { image, dpi } = input(page);
      const res = await pool.recognize(image, { dpi, langs: forceLang ? [page.lang] : undefined });
      return { page, seconds: res.ms / 1000, text: res.text, lang: res.lang, passes: res.passes };
    });
    const cpu = process.cpuUsage(cpu0);
    return { name, runs, wallSeconds: (performance.now() - t0) / 1000, cpuPerPage: (cpu.user + cpu.system) / 1e6 / pages.length };
  } finally {
    await pool.close();
  }
}

async function nativeVariant(name: string, tessdata: string, inputs: Array<{ page: BenchPage; file: string; dpi: number }>): Promise<Variant> {
  const t0 = performance.now();
  const runs = await mapConcurrent(inputs, threads, async ({ page, file, dpi }) => {
    const r = await runNative(tessdata, file, page.lang, dpi);
    return { page, seconds: r.seconds, text: r.text, lang: page.lang, cpuSeconds: r.cpuSeconds };
  });
  return { name, runs, wallSeconds: (performance.now() - t0) / 1000, cpuPerPage: mean(runs.map((r) => r.cpuSeconds)) };
}

/** The grey PGM the pool itself would hand tesseract at `targetDpi`, for native runs on the same pixels. */
async function preparedFiles(pages: BenchPage[], targetDpi: number) {
  const dir = join(CACHE, `prepared-${targetDpi}dpi`);
  mkdirSync(dir, { recursive: true });
  const limits = { targetDpi, maxInputPixels: 100_000_000, maxOcrPixels: 12_000_000 };
  return Promise.all(
    pages.map(async (page) => {
      const grey = await toGreyPage({ kind: 'encoded', data: page.data }, page.dpi, limits);
      const file = join(dir, `${page.name}.pgm`);
      writeFileSync(file, toPgm(grey));
      return { page, file, dpi: grey.dpi!, grey };
    }),
  );
}

function speedRows(variants: Variant[]) {
  const rows: Array<Array<string | number>> = [];
  for (const v of variants) {
    for (const lang of ['jpn', 'eng'] as const) {
      const runs = v.runs.filter((r) => r.page.lang === lang);
      const secs = runs.map((r) => r.seconds);
      const cerOf = (look: string) => mean(runs.filter((r) => r.page.look === look).map((r) => cer(r.page.text, r.text)));
      rows.push([v.name, lang, runs.length, f2(percentile(secs, 50)), f2(percentile(secs, 95)), pct(cerOf('clean')), pct(cerOf('scanned'))]);
    }
    rows.push([v.name, 'all', v.runs.length, '', '', '', '', `${((v.runs.length / v.wallSeconds) * 60).toFixed(1)} pages/min`, f2(v.cpuPerPage)]);
  }
  return table(
    ['variant', 'lang', 'pages', 'p50 s', 'p95 s', 'CER clean', 'CER scanned', 'throughput', 'CPU s/page'],
    rows.map((r) => (r.length === 7 ? [...r, '', ''] : r)),
  );
}

function ratioLines(pairs: Array<[Variant, Variant]>) {
  for (const [js, native] of pairs) {
    for (const lang of ['jpn', 'eng'] as const) {
      const p50 = (v: Variant) => percentile(v.runs.filter((r) => r.page.lang === lang).map((r) => r.seconds), 50);
      out(`ratio ${js.name} / ${native.name} (${lang}, p50 s/page): ${f2(p50(js) / p50(native))}x`);
    }
    out(`ratio ${js.name} / ${native.name} (wall time for all pages): ${f2(js.wallSeconds / native.wallSeconds)}x`);
    out(`ratio ${js.name} / ${native.name} (CPU s/page): ${f2(js.cpuPerPage / native.cpuPerPage)}x`);
  }
}

async function speedAndAccuracy(pages: BenchPage[]) {
  out(`## Speed and accuracy: ${pages.length} A4 pages at 300 dpi, ${threads} in parallel, model forced to the page's language`);
  const variants: Variant[] = [];
  const pairs: Array<[Variant, Variant]> = [];
  const js300 = await poolVariant('tesseract.js @300dpi', pages, { targetDpi: 300 }, true);
  variants.push(js300);
  const js200 = await poolVariant('tesseract.js @200dpi', pages, { targetDpi: 200 }, true);
  variants.push(js200);
  const js150 = await poolVariant('tesseract.js @150dpi', pages, { targetDpi: 150 }, true);
  variants.push(js150);
  if (!skip.has('native')) {
    const tessdata = nativeTessdata();
    const native300 = await nativeVariant(
      'native CLI @300dpi',
      tessdata,
      pages.map((page) => ({ page, file: page.file, dpi: page.dpi })),
    );
    const prepared = await preparedFiles(pages, 200);
    const native200 = await nativeVariant('native CLI @200dpi grey', tessdata, prepared);
    // The very pixels native reads, handed over raw: neither side decodes or scales anything.
    const byName = new Map(prepared.map((p) => [p.page.name, p.grey]));
    const jsGrey = await poolVariant('tesseract.js @200dpi grey', pages, { targetDpi: 200 }, true, (page) => {
      const g = byName.get(page.name)!;
      return { image: { kind: 'raw', data: g.grey.slice(), width: g.width, height: g.height, channels: 1 }, dpi: g.dpi! };
    });
    variants.push(native300, native200, jsGrey);
    pairs.push([js300, native300], [jsGrey, native200], [js200, native200]);
  }
  out(speedRows(variants));
  out();
  ratioLines(pairs);
  out('(per page: tesseract.js = preprocessing + OCR inside the thread; native = one tesseract process, model load included;');
  out(' CPU s/page: tesseract.js = whole bench process CPU / pages, native = user+sys of each tesseract process)');
  out();
}

async function strategies(pages: BenchPage[]) {
  out(`## Language strategies (pages may be jpn or eng; production path: grey, 200 dpi)`);
  const rows: Array<Array<string | number>> = [];
  const variants: Array<[string, Variant]> = [
    ['oracle (right model given)', await poolVariant('oracle', pages, {}, true)],
    ['probe', await poolVariant('probe', pages, { strategy: 'probe' }, false)],
    ['jpn-first', await poolVariant('jpn-first', pages, { strategy: 'jpn-first' }, false)],
    ['combined jpn+eng', await poolVariant('combined', pages, { strategy: 'combined' }, false)],
  ];
  const oracle = variants[0]![1];
  const ocrMs = (v: Variant, lang: OcrLang) =>
    mean(v.runs.filter((r) => r.page.lang === lang).map((r) => (r.passes ?? []).reduce((sum, p) => sum + p.ms, 0)));
  for (const [name, v] of variants) {
    const row: Array<string | number> = [name];
    for (const lang of ['jpn', 'eng'] as const) {
      const runs = v.runs.filter((r) => r.page.lang === lang);
      const passes = mean(runs.map((r) => r.passes?.length ?? 0));
      row.push(pct(mean(runs.map((r) => cer(r.page.text, r.text)))), f2(ocrMs(v, lang) / 1000), `${f2(ocrMs(v, lang) / ocrMs(oracle, lang))}x`, f2(passes));
    }
    const right = v.runs.filter((r) => r.lang === r.page.lang).length;
    row.push(`${right}/${v.runs.length}`, `${((v.runs.length / v.wallSeconds) * 60).toFixed(1)}`, f2(v.cpuPerPage));
    rows.push(row);
  }
  out(
    table(
      ['strategy', 'CER jpn', 'OCR s jpn', 'vs oracle', 'passes', 'CER eng', 'OCR s eng', 'vs oracle', 'passes', 'lang right', 'pages/min', 'CPU s/page'],
      rows,
    ),
  );
  out('(OCR s: tesseract time per page summed over its passes; a probe reads a few lines, a second pass the whole page again)');
  out();
}

async function rss(pages: BenchPage[], count: number, recycleAfterPages: number) {
  out(`## RSS of one OCR thread over ${count} pages (recycle after ${recycleAfterPages}; process RSS, pool of 1, probe strategy, 200 dpi)`);
  const pool = createOcrPool({ threads: 1, recycleAfterPages, ...BENCH_LIMITS });
  const mb = () => process.memoryUsage().rss / 2 ** 20;
  const samples: number[] = [];
  const t0 = performance.now();
  try {
    for (let i = 0; i < count; i += 1) {
      const page = pages[i % pages.length]!;
      await pool.recognize({ kind: 'encoded', data: copy(page.data) }, { dpi: page.dpi });
      samples.push(mb());
      if ((i + 1) % 50 === 0) process.stderr.write(`rss: ${i + 1}/${count} pages, ${mb().toFixed(0)} MB\n`);
    }
  } finally {
    await pool.close();
  }
  const start = samples[0]!;
  const end = samples[samples.length - 1]!;
  const max = Math.max(...samples);
  const min = Math.min(...samples);
  const settled = samples.slice(Math.min(samples.length - 1, recycleAfterPages));
  out(`start ${start.toFixed(0)} MB (after page 1), end ${end.toFixed(0)} MB, max ${max.toFixed(0)} MB, min ${min.toFixed(0)} MB`);
  out(`end vs start ${pct((end - start) / start)}; after the first recycle: ${Math.min(...settled).toFixed(0)}–${Math.max(...settled).toFixed(0)} MB`);
  out(`stats ${JSON.stringify(pool.stats)}; ${((performance.now() - t0) / 1000 / count).toFixed(2)} s/page on one thread`);
  out();
}

async function main() {
  const pages = await benchPages(Number(args.pages));
  out(`# OCR bench: tesseract.js 7 (4.0.0_best_int) pool vs native tesseract, ${new Date().toISOString()}`);
  out(`load average at start (2 cores shared with other work inflates every figure alike): ${loadText()}`);
  out();
  await speedAndAccuracy(pages);
  if (!skip.has('strategy')) await strategies(pages);
  const rssPages = Number(args['rss-pages']);
  if (!skip.has('rss') && rssPages > 0) await rss(pages, rssPages, Number(args['rss-recycle']));
  out(`load average at end: ${loadText()}`);
}

const loadText = () => loadavg().map((l) => l.toFixed(2)).join(' / ');

main().catch((err: unknown) => {
  process.stderr.write(`ocr-bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
