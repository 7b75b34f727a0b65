import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/programs/cli/main';
import type { IndexRunSummary } from '../src/programs/local/folder-indexer';

/**
 * The main job end to end, in process: the bundled samples through `cis index`, then
 * `cis search` and `cis similar` on what came out. The expectations come from the manifest
 * the sample generator writes, not from this test.
 */

interface ManifestEntry {
  path: string;
  expectedOutcome: 'indexed' | 'metadata_only' | 'failed';
  expectedWords: string[];
  ocrPages: Array<{ page: number; lang: string }>;
  language?: string;
  kind: string;
}

const repo = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(repo, 'packages', 'corpus', 'samples.manifest.json'), 'utf8')) as {
  entries: ManifestEntry[];
};

async function cis(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      out[stream] += chunk.toString();
      return true;
    });
  const spies = [capture('stdout'), capture('stderr')];
  try {
    const code = await main(args);
    return { code, ...out };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

async function search(query: string): Promise<string[]> {
  const r = await cis('search', query, '--db', db, '--json', '--limit', '20');
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { hits: Array<{ path: string }> }).hits.map((h) => h.path);
}

let dir: string;
let db: string;
let first: IndexRunSummary;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cis-e2e-'));
  cpSync(join(repo, 'samples'), join(dir, 'samples'), { recursive: true });
  db = join(dir, 'index.db');
  const r = await cis('index', join(dir, 'samples'), '--db', db, '--json');
  expect(r.code).toBe(0);
  first = JSON.parse(r.stdout) as IndexRunSummary;
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cis index over the bundled samples', () => {
  it('accounts for every file with the outcome the manifest expects', () => {
    const expectFailed = manifest.entries.filter((e) => e.expectedOutcome === 'failed').map((e) => e.path).sort();
    expect(first.files).toBe(manifest.entries.length);
    expect(first.failed.map((f) => f.path)).toEqual(expectFailed);
    expect(first.indexed).toBe(manifest.entries.length - expectFailed.length);
    expect(first.metadataOnly).toBe(manifest.entries.filter((e) => e.expectedOutcome === 'metadata_only').length);
    expect(first.ocrPages).toBeGreaterThanOrEqual(manifest.entries.reduce((n, e) => n + e.ocrPages.length, 0));
    for (const stage of ['hash', 'detect', 'extract', 'ocr', 'embed', 'index']) {
      expect(first.stages[stage]).toEqual({ p50Ms: expect.any(Number), p95Ms: expect.any(Number), totalMs: expect.any(Number) });
    }
  });

  it('reports the broken and the encrypted PDF with their reasons', () => {
    const reasons = Object.fromEntries(first.failed.map((f) => [f.path, f.reason]));
    expect(reasons['broken.pdf']).toMatch(/^PDF is damaged/);
    expect(reasons['encrypted.pdf']).toBe('PDF is password-protected');
  });

  it('makes Japanese and English words from scans searchable (OCR)', async () => {
    const scanned = manifest.entries.filter((e) => e.ocrPages.length > 0 && e.expectedWords.length > 0);
    expect(new Set(scanned.flatMap((e) => e.ocrPages.map((p) => p.lang)))).toEqual(new Set(['jpn', 'eng']));
    for (const entry of scanned) {
      const found: string[] = [];
      for (const word of entry.expectedWords) if ((await search(word)).includes(entry.path)) found.push(word);
      // OCR of Japanese misses a character here and there (about 1–2% CER); most words must survive.
      expect({ path: entry.path, found: found.length >= Math.ceil(entry.expectedWords.length * 0.6) }).toEqual({
        path: entry.path,
        found: true,
      });
    }
  });

  it('finds every expected word of text-layer, Office and text files', async () => {
    const digital = manifest.entries.filter((e) => e.expectedOutcome === 'indexed' && e.ocrPages.length === 0);
    for (const entry of digital) {
      for (const word of entry.expectedWords) {
        expect({ word, paths: await search(word) }).toEqual({ word, paths: expect.arrayContaining([entry.path]) });
      }
    }
  });

  it('finds the original of an edited photo first among other images', async () => {
    const r = await cis('similar', join(dir, 'samples', 'photo_landscape_resized.jpg'), '--db', db, '--json', '--limit', '3');
    const hits = (JSON.parse(r.stdout) as { hits: Array<{ path: string; score: number }> }).hits;
    expect(hits.slice(0, 2).map((h) => h.path).sort()).toEqual(['photo_landscape.jpg', 'photo_landscape_resized.jpg']);
    expect(hits[1].score).toBeGreaterThan(hits[2].score);
  });

  it('skips unchanged files on a second run, redoes changed ones and removes deleted ones', async () => {
    const again = JSON.parse((await cis('index', join(dir, 'samples'), '--db', db, '--json')).stdout) as IndexRunSummary;
    expect(again).toMatchObject({ files: first.files, skipped: first.files, indexed: 0, ocrPages: 0, removed: 0, failed: [] });

    writeFileSync(join(dir, 'samples', '議事録.txt'), '差し替えた議事録 replaced minutes');
    rmSync(join(dir, 'samples', 'photo_landscape_resized.jpg'));
    const third = JSON.parse((await cis('index', join(dir, 'samples'), '--db', db, '--json')).stdout) as IndexRunSummary;
    expect(third).toMatchObject({ files: first.files - 1, indexed: 1, skipped: first.files - 2, removed: 1 });
    expect(await search('replaced minutes')).toEqual(['議事録.txt']);
    expect(await search('photo_landscape_resized')).toEqual([]);
  }, 120_000);

  it('exits 2 with a message for usage errors, and never because of bad files', async () => {
    const usage = async (...args: string[]) => {
      const r = await cis(...args);
      return { code: r.code, stderr: r.stderr };
    };
    expect(await usage('index', join(dir, 'does-not-exist'), '--db', db)).toEqual({ code: 2, stderr: expect.stringContaining('not a directory') });
    expect(await usage('search', 'x', '--db', join(dir, 'missing.db'))).toEqual({ code: 2, stderr: expect.stringContaining('no index at') });
    expect(await usage('similar', join(dir, 'samples', 'broken.pdf'), '--db', db)).toEqual({ code: 2, stderr: expect.stringContaining('not an image') });
    expect(await usage('search', 'x', '--limit', '-3', '--db', db)).toEqual({ code: 2, stderr: expect.stringContaining("'--limit <n>' argument '-3' is invalid") });
  });
});
