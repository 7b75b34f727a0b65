import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Encoding from 'encoding-japanese';
import type { ExtractContext, ExtractInput } from '../../core/types';
import { detectType } from '../detect/detect';
import { MIME } from '../detect/mime';
import { ExtractorRegistry } from './registry';
import { MAX_TEXT_BYTES, textExtractors } from './text';

const ctx = {
  ocr: {
    recognize: () => Promise.reject(new Error('text extractors never OCR')),
    close: () => Promise.resolve(),
  },
  limits: { maxPixels: 50_000_000, maxFileBytes: 1 << 30, maxPages: 1000 },
} satisfies ExtractContext;

const registry = new ExtractorRegistry(textExtractors);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cis-text-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const encode = (text: string, to: Encoding.Encoding) =>
  Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to, from: 'UNICODE' }));

/** Writes the file, detects it as the pipeline does, and runs the extractor picked for it. */
async function extract(name: string, bytes: Buffer | string) {
  const path = join(dir, name);
  await writeFile(path, bytes);
  const type = await detectType(path, name);
  const extractor = registry.pick(type);
  if (!extractor) throw new Error(`no extractor for ${type.mime}`);
  const input: ExtractInput = { path, name, size: (await stat(path)).size, type };
  return { type, result: await extractor.extract(input, ctx) };
}

describe('plain text', () => {
  const memo = '社内連絡\r\n来週の会議は第２会議室で行います。\r\nMeeting moved to room 2.\r\n';

  it.each([
    ['UTF-8', Buffer.from(memo)],
    ['Shift_JIS', encode(memo, 'SJIS')],
    ['EUC-JP', encode(memo, 'EUCJP')],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(memo, 'utf16le')])],
  ])('reads %s and normalises the text', async (_, bytes) => {
    const { type, result } = await extract('memo.txt', bytes);
    expect(type.mime).toBe(MIME.text);
    expect(result.text).toBe('社内連絡\n来週の会議は第2会議室で行います。\nMeeting moved to room 2.');
    expect(result).toMatchObject({ pages: 1, ocrPages: [] });
  });

  it('reads Markdown as text, markup included', async () => {
    const { type, result } = await extract('README.md', '# 手順書\n\n1. **Install** the agent\n2. 設定を確認\n');
    expect(type.mime).toBe(MIME.markdown);
    // normalizeText drops a space between punctuation and Japanese ("# 手順書" → "#手順書").
    expect(result.text).toBe('#手順書\n\n1. **Install** the agent\n2.設定を確認');
  });

  it(`reads only the first ${MAX_TEXT_BYTES / 1024 / 1024} MiB of a huge file`, async () => {
    const line = 'ログ行 log line 0123456789\n';
    const head = '先頭の行 FIRST LINE\n';
    const tail = '最後の行 LAST LINE\n';
    const body = line.repeat(Math.ceil(MAX_TEXT_BYTES / Buffer.byteLength(line)) + 10);
    const { result } = await extract('huge.log', head + body + tail);
    expect(result.text.startsWith('先頭の行 FIRST LINE')).toBe(true);
    expect(result.text).not.toContain('LAST LINE');
    expect(Buffer.byteLength(result.text)).toBeLessThanOrEqual(MAX_TEXT_BYTES);
    expect(result.text).not.toContain('\uFFFD');
  });
});

describe('CSV', () => {
  it('keeps cells separated, honours quotes, and reads Shift_JIS exports', async () => {
    const csv = '品名,数量,備考\r\nりんご,3,"青森産, 特選"\r\n東京,大阪,"複数行の\r\n備考"\r\n';
    const { type, result } = await extract('orders.csv', encode(csv, 'SJIS'));
    expect(type.mime).toBe(MIME.csv);
    expect(result.text.split('\n')).toEqual(['品名 | 数量 | 備考', 'りんご | 3 | 青森産,特選', '東京 | 大阪 | 複数行の', '備考']);
  });

  it('sniffs a tab-separated .csv and reads .tsv', async () => {
    for (const name of ['export.csv', 'export.tsv']) {
      const { result } = await extract(name, '社員番号\t氏名\n1001\t山田太郎\n');
      expect(result.text.split('\n')).toEqual(['社員番号 | 氏名', '1001 | 山田太郎']);
    }
  });
});

describe('HTML', () => {
  it('keeps visible text and the title, drops script and style, separates table cells', async () => {
    const html = `<!DOCTYPE html><html><head><title>製品案内 Products</title>
      <style>.price { color: red }</style><script>var secret = "do-not-index";</script></head>
      <body><h1>新製品</h1><p>Visit <a href="https://example.invalid/x">our shop</a> today.</p>
      <table><tr><th>東京</th><td>大阪</td></tr></table></body></html>`;
    const { type, result } = await extract('index.html', html);
    expect(type.mime).toBe(MIME.html);
    for (const visible of ['製品案内 Products', '新製品', 'Visit our shop today.']) expect(result.text).toContain(visible);
    expect(result.text.split('\n')).toEqual(expect.arrayContaining(['東京', '大阪']));
    expect(result.text).not.toMatch(/do-not-index|color: red|example\.invalid/);
  });

  it('decodes with the charset its meta tag declares', async () => {
    const html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head><body><p>ﾃｽﾄ 請求書</p></body></html>';
    const { result } = await extract('legacy.htm', encode(html, 'SJIS'));
    expect(result.text).toBe('テスト請求書'); // half-width kana widened, no space between Japanese words
  });
});
