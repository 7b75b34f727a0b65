import { readFileSync, readdirSync } from 'node:fs';
import sharp from 'sharp';
import { ConfigError, UnreadableFileError } from '../../core/errors';
import { OcrTimeoutError, createOcrPool, type OcrPool } from './pool';
import { renderLines } from '../../../test/support/ocr-pages';
import { scene } from '../../../test/support/image-fixtures';

// Real tesseract.js in real worker threads, on small generated images.
jest.setTimeout(60_000);

const english = renderLines([
  { text: 'Quotation for office furniture', font: 'sans', px: 40 },
  { text: 'Invoice number 4711 payable in thirty days', font: 'sans', px: 40 },
]);
const japanese = renderLines([
  { text: '御見積書 株式会社サンプル商事', font: 'gothic', px: 44 },
  { text: '下記の通りお見積り申し上げます。', font: 'mincho', px: 44 },
]);

/** CPU time (user + system, ms) of every thread of this process, by thread id. */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 140 dense lines: about half a minute of OCR, far over an 8 s limit even on an idle machine. As grey
 * raw pixels at their own size they go to tesseract untouched: no image decoding runs meanwhile. */
async function runawayPage() {
  const sentence = 'The receiving party shall keep all information confidential for five years';
  const png = renderLines(Array.from({ length: 140 }, (_, i) => ({ text: `${i} ${sentence}`, font: 'sans' as const, px: 36 })));
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { kind: 'raw' as const, data, width: info.width, height: info.height, channels: 1 as const };
}

describe('createOcrPool', () => {
  let pool: OcrPool;

  beforeAll(() => {
    pool = createOcrPool({ threads: 1 });
  });
  afterAll(() => pool.close());

  it('reads English with the eng model and Japanese with the jpn model', async () => {
    const [en, ja] = await Promise.all([
      pool.recognize({ kind: 'encoded', data: english }),
      pool.recognize({ kind: 'encoded', data: japanese }),
    ]);
    expect(en.lang).toBe('eng');
    expect(en.text).toContain('Quotation for office furniture');
    expect(en.text).toContain('4711');
    expect(ja.lang).toBe('jpn');
    // Normalised: no spaces between the Japanese characters.
    expect(ja.text).toContain('御見積書');
    expect(ja.text).toContain('お見積り申し上げます');
    expect(ja.confidence).toBeGreaterThan(50);
    expect(ja.ms).toBeGreaterThan(0);
  });

  it('accepts raw pixels, honours a single requested language and scales dense scans down', async () => {
    const { data, info } = await sharp(english).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const raw = { kind: 'raw' as const, data: new Uint8Array(data), width: info.width, height: info.height, channels: 4 as const };
    const res = await pool.recognize(raw, { langs: ['eng'] });
    expect(res.lang).toBe('eng');
    expect(res.text).toContain('Invoice number 4711');
    // The buffer went to the worker thread without a copy.
    expect(raw.data.byteLength).toBe(0);

    // The same words drawn at twice the size and declared as 400 dpi come out after scaling to 200 dpi.
    const big = renderLines([{ text: 'Delivery note for Osaka', font: 'sans', px: 80 }]);
    const scaled = await pool.recognize({ kind: 'encoded', data: big }, { langs: ['eng'], dpi: 400 });
    expect(scaled.text).toContain('Delivery note for Osaka');
  });

  it('does not OCR a photograph, and does OCR a page of print', async () => {
    const before = { ...pool.stats };
    const photo = await pool.recognize({ kind: 'encoded', data: await scene(7) });
    expect(photo.text).toBe('');
    expect(photo.passes).toEqual([]);
    expect(pool.stats.skippedNoPrint).toBe(before.skippedNoPrint + 1);
    const page = await pool.recognize({ kind: 'encoded', data: english });
    expect(page.text).toContain('Quotation');
    expect(page.passes.length).toBeGreaterThan(0);
    expect(pool.stats.skippedNoPrint).toBe(before.skippedNoPrint + 1);
    expect(pool.stats.pages).toBe(before.pages + 2);
  });

  it('refuses bad images with a reason', async () => {
    const garbage = Buffer.from('this is not an image at all, just some bytes');
    await expect(pool.recognize({ kind: 'encoded', data: garbage })).rejects.toThrow(UnreadableFileError);
    await expect(pool.recognize({ kind: 'encoded', data: garbage })).rejects.toThrow(/cannot decode image/);
    const truncated = english.subarray(0, 400);
    await expect(pool.recognize({ kind: 'encoded', data: truncated })).rejects.toThrow(/cannot decode image/);
    await expect(
      pool.recognize({ kind: 'raw', data: new Uint8Array(10), width: 100, height: 100, channels: 1 }),
    ).rejects.toThrow(/expected 100x100x1 = 10000/);
    expect(pool.stats.unreadable).toBe(4);
    // The pool still works.
    expect((await pool.recognize({ kind: 'encoded', data: english }, { langs: ['eng'] })).text).toContain('4711');
  });

  it('rejects invalid settings naming the setting', () => {
    expect(() => createOcrPool({ threads: 0 })).toThrow(ConfigError);
    expect(() => createOcrPool({ threads: 0 })).toThrow(/ocr\.threads/);
    expect(() => createOcrPool({ langPaths: { jpn: '/nowhere' } })).toThrow(/ocr\.langPaths\.jpn: \/nowhere\/jpn\.traineddata\.gz does not exist/);
  });
});

describe('createOcrPool engines', () => {
  it('loads one language per engine, and only the languages the pages need', async () => {
    const pool = createOcrPool({ threads: 1 });
    try {
      const ja = await pool.recognize({ kind: 'encoded', data: japanese });
      expect(ja.lang).toBe('jpn');
      // The probe and the page both ran on the jpn engine: eng was never loaded.
      expect(ja.passes.map((p) => p.model)).toEqual(['jpn', 'jpn']);
      expect(pool.stats.enginesStarted).toBe(1);
      const en = await pool.recognize({ kind: 'encoded', data: english });
      expect(en.lang).toBe('eng');
      expect(pool.stats.enginesStarted).toBe(2);
    } finally {
      await pool.close();
    }
  });
});

describe('createOcrPool with one thread, a short time limit and early recycling', () => {
  let pool: OcrPool;

  beforeAll(() => {
    pool = createOcrPool({ threads: 1, langs: ['eng'], taskTimeoutMs: 8_000, recycleAfterPages: 2, maxOcrPixels: 40_000_000 });
  });
  afterAll(() => pool.close());

  it('replaces the tesseract engine after the configured number of pages', async () => {
    for (let i = 0; i < 5; i += 1) {
      expect((await pool.recognize({ kind: 'encoded', data: english })).text).toContain('Quotation');
    }
    // Pages 1-2 on the first engine, 3-4 on the second, 5 on the third.
    expect(pool.stats.enginesStarted).toBe(3);
    expect(pool.stats.enginesRecycled).toBe(2);
  });

  it('stops a runaway page for real: the thread burning CPU on it ends, the pool serves on', async () => {
    const raw = await runawayPage();
    const timeouts = pool.stats.timeouts;
    // Warm: the thread and its engine are up, so reading starts at once.
    await pool.recognize({ kind: 'encoded', data: english });
    const running = pool.recognize(raw);
    const outcome = running.then(
      () => undefined,
      (err: unknown) => err,
    );
    await sleep(500);
    const before = threadCpu();
    await sleep(2_000);
    const during = threadCpu();
    // The thread that burned the most CPU in the meantime is tesseract's engine thread.
    const [busiest, busyMs] = [...during]
      .map(([tid, ms]) => [tid, ms - (before.get(tid) ?? 0)] as const)
      .reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(busyMs).toBeGreaterThanOrEqual(250);

    const err = await outcome;
    expect(err).toBeInstanceOf(OcrTimeoutError);
    expect((err as OcrTimeoutError).timeoutMs).toBe(8_000);
    expect((err as OcrTimeoutError).phase).toBe('read');
    expect((err as Error).message).toMatch(/8000 ms/);

    await sleep(300);
    const alive = new Set(readdirSync('/proc/self/task'));
    expect(alive.has(busiest)).toBe(false);
    expect(pool.stats.timeouts).toBe(timeouts + 1);
    expect((await pool.recognize({ kind: 'encoded', data: english })).text).toContain('Quotation');
  });

  it("gives a page up when the caller aborts, before or while it runs", async () => {
    const timeouts = pool.stats.timeouts;
    const cancelled = new AbortController();
    cancelled.abort(new Error('user cancelled'));
    await expect(pool.recognize({ kind: 'encoded', data: english }, { signal: cancelled.signal })).rejects.toThrow('user cancelled');
    const stop = new AbortController();
    const running = pool.recognize(await runawayPage(), { signal: stop.signal });
    setTimeout(() => stop.abort(new Error('stop now')), 500);
    await expect(running).rejects.toThrow('stop now');
    // Counted as the caller's abort, not as a timeout.
    expect(pool.stats.timeouts).toBe(timeouts);
    expect((await pool.recognize({ kind: 'encoded', data: english })).text).toContain('Quotation');
  });
});

describe('createOcrPool.close', () => {
  it('ends every thread it started and refuses new work', async () => {
    const pool = createOcrPool({ threads: 2, langs: ['eng'] });
    await Promise.all([pool.recognize({ kind: 'encoded', data: english }), pool.recognize({ kind: 'encoded', data: english })]);
    const open = readdirSync('/proc/self/task').length;
    await pool.close();
    await sleep(200);
    // Two pool threads, each with its tesseract engine thread nested in it.
    expect(readdirSync('/proc/self/task').length).toBeLessThanOrEqual(open - 4);
    await expect(pool.recognize({ kind: 'encoded', data: english })).rejects.toThrow(/closed/);
  });
});
