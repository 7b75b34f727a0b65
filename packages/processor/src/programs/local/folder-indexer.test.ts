import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pipeline } from '../../pipeline/pipeline';
import type { DetectedType, Extractor, OcrService } from '../../core/types';
import { ExtractorRegistry } from '../../pipeline/extract/registry';
import { SqliteIndex } from '../../adapters/sqlite/sqlite-index';
import { fileId, legacyFileId } from '../../core/ids';
import { indexFolder, removeVanished } from './folder-indexer';

const noOcr: OcrService = { recognize: async () => Promise.reject(new Error('unused')), close: async () => {} };

describe('indexFolder', () => {
  let root: string;
  let index: SqliteIndex;
  let extracted: string[];

  const detect = async (_p: string, name: string): Promise<DetectedType> =>
    name.endsWith('.txt') ? { mime: 'text/plain', kind: 'text' } : { mime: 'application/octet-stream', kind: 'other' };
  const textExtractor: Extractor = {
    name: 'text',
    mimeTypes: ['text/plain'],
    extract: async (input) => {
      extracted.push(input.name);
      const { readFileSync } = await import('node:fs');
      const text = readFileSync(input.path, 'utf8');
      if (text.startsWith('BROKEN')) throw new Error('garbage inside');
      return { text, pages: 1, ocrPages: [] };
    },
  };
  const run = () =>
    indexFolder({
      root,
      index,
      excludePaths: [join(root, 'index.db'), join(root, 'index.db-wal'), join(root, 'index.db-shm')],
      pipeline: new Pipeline({
        registry: new ExtractorRegistry([textExtractor]),
        ocr: noOcr,
        detect,
        limits: { maxPixels: 1e8, maxFileBytes: 1e6, maxPages: 10 },
      }),
      concurrency: 3,
    });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cis-folder-'));
    mkdirSync(join(root, '請求書', 'old'), { recursive: true });
    writeFileSync(join(root, 'a.txt'), 'alpha 見積書');
    writeFileSync(join(root, '請求書', 'b.txt'), 'bravo 請求書');
    writeFileSync(join(root, '請求書', 'old', 'c.txt'), 'BROKEN charlie');
    writeFileSync(join(root, 'd.bin'), Buffer.from([0, 1, 2]));
    index = new SqliteIndex(join(root, 'index.db'));
    extracted = [];
  });
  afterEach(async () => {
    await index.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('indexes a folder, reports failures with reasons, and skips the database itself', async () => {
    const s = await run();
    expect(s).toMatchObject({ files: 4, indexed: 3, metadataOnly: 1, skipped: 0, removed: 0 });
    expect(s.failed).toEqual([{ path: '請求書/old/c.txt', reason: 'text extractor failed: garbage inside' }]);
    expect(s.filesPerMin).toBeGreaterThan(0);
    expect(Object.keys(s.stages)).toEqual(expect.arrayContaining(['hash', 'detect', 'extract', 'index']));
    expect((await index.search('見積書')).map((h) => h.path)).toEqual(['a.txt']);
    // The failed file is stored too, by metadata with its reason, so it can be found and fixed.
    expect(await index.count()).toBe(4);
  });

  it('re-runs in place: unchanged skipped, changed redone, deleted removed', async () => {
    await run();
    extracted = [];
    writeFileSync(join(root, 'a.txt'), 'alpha changed 御見積書');
    utimesSync(join(root, 'a.txt'), new Date(), new Date(Date.now() + 5000));
    rmSync(join(root, 'd.bin'));
    const s = await run();
    expect(s).toMatchObject({ files: 3, indexed: 1, skipped: 2, removed: 1, failed: [] });
    expect(extracted).toEqual(['a.txt']);
    expect((await index.search('changed')).map((h) => h.path)).toEqual(['a.txt']);
    expect(await index.count()).toBe(3);
  });

  it('stores names that differ only in normal form or by a backslash as different documents, and counts what it stored', async () => {
    const nfc = 'ガイド.txt';
    writeFileSync(join(root, nfc), 'guide in NFC');
    writeFileSync(join(root, nfc.normalize('NFD')), 'guide in NFD');
    mkdirSync(join(root, 'x'));
    writeFileSync(join(root, 'x', 'y.txt'), 'y in folder x');
    writeFileSync(join(root, 'x\\y.txt'), 'a name with a backslash');
    const s = await run();
    expect(s).toMatchObject({ files: 8, indexed: 7, failed: [expect.objectContaining({ path: '請求書/old/c.txt' })] });
    // What the summary counts is what the index holds: every file, the failed one by its metadata.
    expect(await index.count()).toBe(s.indexed + s.failed.length);
    const paths = (await index.allDocs()).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining([nfc, nfc.normalize('NFD'), 'x/y.txt', 'x\\y.txt']));
    for (const words of ['NFC', 'NFD', 'folder', 'backslash']) expect(await index.search(words)).toHaveLength(1);
    // A second run finds all four unchanged.
    expect(await run()).toMatchObject({ files: 8, skipped: 8, indexed: 0, removed: 0 });
  });

  it('reports symbolic links and FIFOs as skipped entries, never opening them', async () => {
    symlinkSync(join(root, 'a.txt'), join(root, 'link-to-a.txt'));
    symlinkSync('/nonexistent/target', join(root, 'dangling.txt'));
    symlinkSync(root, join(root, 'loop'));
    execFileSync('mkfifo', [join(root, 'pipe.txt')]);
    const s = await run();
    expect(s.files).toBe(4);
    expect(s.skippedEntries).toEqual([
      { path: 'dangling.txt', reason: 'symbolic link: not followed' },
      { path: 'link-to-a.txt', reason: 'symbolic link: not followed' },
      { path: 'loop', reason: 'symbolic link: not followed' },
      { path: 'pipe.txt', reason: 'named pipe (FIFO): not a file' },
    ]);
    expect(await index.count()).toBe(4);
  });

  it('replaces documents stored under ids of the earlier scheme (normalised paths) on the next run', async () => {
    const nfd = 'ガイド.txt'.normalize('NFD');
    writeFileSync(join(root, nfd), 'guide in NFD');
    await run();
    // As an earlier version stored it: under the id of the NFC form.
    const stored = (await index.allDocs()).find((d) => d.path === nfd)!;
    await index.remove([stored.id]);
    await index.upsert([
      { id: legacyFileId(nfd), path: nfd, name: nfd, size: 1, mtime: '2026-01-01T00:00:00.000Z', sha256: 'old', mime: 'text/plain', kind: 'text', pages: 1, text: 'old', ocrPages: [], status: 'indexed', language: 'other', indexedAt: '2026-01-01T00:00:00.000Z' },
    ]);
    const s = await run();
    expect(s).toMatchObject({ indexed: 1, removed: 1 });
    const ids = (await index.allDocs()).filter((d) => d.path === nfd).map((d) => d.id);
    expect(ids).toEqual([fileId(nfd)]);
  });

  it('reports a directory it cannot list, and goes on', async () => {
    // Deeper than PATH_MAX: opendir fails with ENAMETOOLONG even for root, as it does on deep Windows shares.
    const deep = Array.from({ length: 18 }, () => 'd'.repeat(250)).join('/');
    execFileSync('mkdir', ['-p', deep], { cwd: root });
    const s = await run();
    expect(s.files).toBe(4);
    expect(s.failed).toContainEqual({ path: expect.stringMatching(/^(d{250}\/)+d{250}$/), reason: expect.stringMatching(/^cannot read directory: .*ENAMETOOLONG/) });
    execFileSync('rm', ['-rf', 'd'.repeat(250)], { cwd: root });
  });
});

describe('removeVanished', () => {
  it('removes documents of files no longer listed, except under directories that could not be read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cis-vanished-'));
    const index = new SqliteIndex(join(dir, 'index.db'));
    try {
      const doc = (path: string) => ({
        id: fileId(path), path, name: path, size: 1, mtime: '2026-01-01T00:00:00.000Z', sha256: 'x', mime: 'text/plain',
        kind: 'text' as const, pages: 1, text: path, ocrPages: [], status: 'indexed' as const, language: 'other' as const, indexedAt: '2026-01-01T00:00:00.000Z',
      });
      await index.upsert(['keep.txt', 'gone.txt', 'locked/a.txt', 'locked/sub/b.txt', 'lockedness.txt'].map(doc));
      const removed = await removeVanished(index, [{ relPath: 'keep.txt', size: 1, mtimeMs: 0 }], ['locked']);
      expect(removed).toBe(2);
      expect((await index.allDocs()).map((d) => d.path).sort()).toEqual(['keep.txt', 'locked/a.txt', 'locked/sub/b.txt']);
    } finally {
      await index.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
