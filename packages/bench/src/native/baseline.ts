import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import sharp from 'sharp';

/**
 * The native baseline: what a plain script with Debian's tools does with the same folder.
 * poppler's pdftotext for text layers, pdfimages -all to take scans out of PDFs as they are
 * stored (no re-rendering), the tesseract CLI (same best_int models as tesseract.js) for scans
 * and images, unzip + tag stripping for Office, text read directly.
 */

export type NativeStatus = 'indexed' | 'metadata_only' | 'failed';

export interface NativeFileResult {
  path: string;
  status: NativeStatus;
  reason?: string;
  text: string;
  ocrPages: number;
  ms: number;
}

export interface NativeOptions {
  tessdata: string;
  /** OCR model per relative path; the baseline is told each file's language (an advantage ours does not get). */
  langOf: (relPath: string) => 'jpn' | 'eng';
  concurrency: number;
  /** Images with more pixels are refused, as the pipeline refuses them. */
  maxPixels: number;
  onFile?: (done: number, total: number, path: string) => void;
}

export interface NativeRun {
  files: NativeFileResult[];
  /** Milliseconds per tool call, by tool. */
  stages: Record<string, number[]>;
}

interface ExecResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

class Tools {
  readonly stages: Record<string, number[]> = {};

  constructor(private readonly tessdata: string) {}

  async run(stage: string, cmd: string, args: string[]): Promise<ExecResult> {
    const t0 = performance.now();
    const result = await new Promise<ExecResult>((resolve, reject) => {
      execFile(
        cmd,
        args,
        { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, OMP_THREAD_LIMIT: '1' } },
        (err, stdout, stderr) => {
          if (err && typeof (err as NodeJS.ErrnoException).code === 'string') return reject(err);
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr: stderr.toString('utf8') });
        },
      );
    });
    (this.stages[stage] ??= []).push(performance.now() - t0);
    return result;
  }

  async ocr(image: string, lang: 'jpn' | 'eng'): Promise<ExecResult> {
    return this.run('tesseract', 'tesseract', [image, 'stdout', '-l', lang, '--tessdata-dir', this.tessdata]);
  }
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim())?.trim() ?? 'unknown error';
}

async function pdf(file: string, lang: 'jpn' | 'eng', tools: Tools): Promise<Omit<NativeFileResult, 'path' | 'ms'>> {
  const info = await tools.run('pdfinfo', 'pdfinfo', [file]);
  if (info.code !== 0) return { status: 'failed', reason: firstLine(info.stderr), text: '', ocrPages: 0 };
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info.stdout.toString('utf8'))?.[1] ?? 0);
  const layer = await tools.run('pdftotext', 'pdftotext', ['-enc', 'UTF-8', file, '-']);
  if (layer.code !== 0) return { status: 'failed', reason: firstLine(layer.stderr), text: '', ocrPages: 0 };
  const pageTexts = layer.stdout.toString('utf8').split('\f').slice(0, pages);
  let ocrPages = 0;
  for (let p = 1; p <= pages; p++) {
    if ((pageTexts[p - 1] ?? '').trim().length > 0) continue;
    const dir = mkdtempSync(join(tmpdir(), 'cis-native-'));
    try {
      const images = await tools.run('pdfimages', 'pdfimages', ['-f', String(p), '-l', String(p), '-all', file, join(dir, 'img')]);
      if (images.code !== 0) continue;
      const texts: string[] = [];
      for (const img of readdirSync(dir).sort()) {
        const r = await tools.ocr(join(dir, img), lang);
        if (r.code === 0) texts.push(r.stdout.toString('utf8'));
      }
      if (texts.length) {
        ocrPages++;
        pageTexts[p - 1] = texts.join('\n');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { status: 'indexed', text: pageTexts.join('\n'), ocrPages };
}

async function image(file: string, lang: 'jpn' | 'eng', tools: Tools, maxPixels: number): Promise<Omit<NativeFileResult, 'path' | 'ms'>> {
  let pages = 1;
  try {
    const meta = await sharp(file, { limitInputPixels: false }).metadata();
    if ((meta.width ?? 0) * (meta.height ?? 0) > maxPixels) return { status: 'failed', reason: `image has ${meta.width}×${meta.height} pixels`, text: '', ocrPages: 0 };
    pages = meta.pages ?? 1;
  } catch (err) {
    return { status: 'failed', reason: (err as Error).message, text: '', ocrPages: 0 };
  }
  const r = await tools.ocr(file, lang);
  if (r.code !== 0) return { status: 'failed', reason: firstLine(r.stderr), text: '', ocrPages: 0 };
  return { status: 'indexed', text: r.stdout.toString('utf8'), ocrPages: pages };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function stripMarkup(xml: string): string {
  return xml
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<\/(w:p|a:p|si|row|p|tr|h\d|li|div)>|<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x?[0-9a-f]+|\w+);/gi, (m, e: string) =>
      e.startsWith('#') ? String.fromCodePoint(e[1]!.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITIES[e] ?? m),
    );
}

const OFFICE_PARTS: Record<string, string[]> = {
  '.docx': ['word/document.xml'],
  '.xlsx': ['xl/sharedStrings.xml', 'xl/worksheets/*.xml'],
  '.pptx': ['ppt/slides/*.xml'],
};

async function office(file: string, tools: Tools): Promise<Omit<NativeFileResult, 'path' | 'ms'>> {
  const r = await tools.run('unzip', 'unzip', ['-p', file, ...OFFICE_PARTS[extname(file).toLowerCase()]!]);
  if (r.code !== 0 && r.stdout.length === 0) return { status: 'failed', reason: firstLine(r.stderr), text: '', ocrPages: 0 };
  return { status: 'indexed', text: stripMarkup(r.stdout.toString('utf8')), ocrPages: 0 };
}

/** UTF-8 when it decodes as such (with or without BOM), otherwise Shift_JIS (Windows-31J). */
function decodeText(data: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return new TextDecoder('shift_jis').decode(data);
  }
}

function textFile(file: string, tools: Tools): Omit<NativeFileResult, 'path' | 'ms'> {
  const t0 = performance.now();
  let text = decodeText(readFileSync(file));
  if (/\.html?$/i.test(file)) text = stripMarkup(text);
  (tools.stages.text ??= []).push(performance.now() - t0);
  return { status: 'indexed', text, ocrPages: 0 };
}

async function one(file: string, rel: string, tools: Tools, opts: NativeOptions): Promise<NativeFileResult> {
  const t0 = performance.now();
  const size = statSync(file).size;
  const head = Buffer.alloc(8);
  const data = size > 0 ? readFileSync(file).subarray(0, 8) : head.subarray(0, 0);
  const ext = extname(file).toLowerCase();
  let result: Omit<NativeFileResult, 'path' | 'ms'>;
  const is = (sig: number[]) => sig.every((b, i) => data[i] === b);
  if (size === 0) result = { status: 'failed', reason: 'empty file', text: '', ocrPages: 0 };
  else if (data.subarray(0, 5).toString('latin1') === '%PDF-') result = await pdf(file, opts.langOf(rel), tools);
  else if (is([0x89, 0x50, 0x4e, 0x47]) || is([0xff, 0xd8, 0xff]) || is([0x49, 0x49, 0x2a, 0x00]) || is([0x4d, 0x4d, 0x00, 0x2a])) {
    result = await image(file, opts.langOf(rel), tools, opts.maxPixels);
  } else if (is([0x50, 0x4b, 0x03, 0x04]) && OFFICE_PARTS[ext]) result = await office(file, tools);
  else if (['.txt', '.csv', '.md', '.html', '.htm'].includes(ext)) result = textFile(file, tools);
  else result = { status: 'metadata_only', reason: 'no reader for this type', text: '', ocrPages: 0 };
  return { path: rel, ...result, ms: performance.now() - t0 };
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(root);
  return out;
}

export async function runNative(root: string, opts: NativeOptions): Promise<NativeRun> {
  const tools = new Tools(opts.tessdata);
  const files = listFiles(root);
  const results: NativeFileResult[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const rel = relative(root, file).split('\\').join('/');
      results.push(await one(file, rel, tools, opts));
      opts.onFile?.(++done, files.length, rel);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  results.sort((a, b) => a.path.localeCompare(b.path));
  return { files: results, stages: tools.stages };
}
