import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fileId } from '../../core/ids';
import type { IndexDocument } from '../../core/types';
import { SqliteIndex } from './sqlite-index';

function doc(path: string, text: string, extra: Partial<IndexDocument> = {}): IndexDocument {
  return {
    id: fileId(path),
    path,
    name: path.split('/').pop()!,
    size: text.length,
    mtime: '2026-01-01T00:00:00.000Z',
    sha256: 'a'.repeat(64),
    mime: 'application/pdf',
    kind: 'pdf',
    pages: 1,
    text,
    ocrPages: [],
    status: 'indexed',
    language: 'other',
    indexedAt: '2026-01-02T00:00:00.000Z',
    ...extra,
  };
}

function unit(values: number[]): Float32Array {
  const n = Math.hypot(...values);
  return Float32Array.from(values.map((v) => v / n));
}

describe('SqliteIndex', () => {
  let dir: string;
  let index: SqliteIndex;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cis-sqlite-'));
    index = new SqliteIndex(join(dir, 'sub', 'index.db'));
  });
  afterEach(async () => {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds Japanese words inside longer unspaced text', async () => {
    await index.upsert([
      doc('a/御見積書.pdf', '株式会社サンプル御見積書の件につきまして'),
      doc('b/請求書.pdf', '請求書 令和8年11月分'),
    ]);
    const hits = await index.search('見積書');
    expect(hits.map((h) => h.path)).toEqual(['a/御見積書.pdf']);
    expect(hits[0].snippet).toContain('[見積書]');
  });

  it('gives one-line snippets', async () => {
    await index.upsert([doc('a.pdf', '件名\n御見積書\n\n合計金額')]);
    expect((await index.search('見積書'))[0].snippet).toBe('件名 御[見積書] 合計金額');
  });

  it('falls back to substring matching for one- and two-character terms', async () => {
    await index.upsert([doc('a.pdf', '契約の締結について'), doc('b.pdf', '関係ない文章'), doc('c.pdf', '契約 契約 契約')]);
    const hits = await index.search('契約');
    expect(hits.map((h) => h.path)).toEqual(['c.pdf', 'a.pdf']);
    expect(hits[1].snippet).toContain('[契約]');
  });

  it('requires every term, mixing trigram and short terms', async () => {
    await index.upsert([doc('a.pdf', 'Invoice 請求書 for ACME'), doc('b.pdf', 'Invoice for Globex')]);
    expect((await index.search('invoice 請求')).map((h) => h.path)).toEqual(['a.pdf']);
    expect((await index.search('INVOICE globex')).map((h) => h.path)).toEqual(['b.pdf']);
  });

  it('normalises queries the way text is normalised (full-width, spacing)', async () => {
    await index.upsert([doc('a.pdf', 'ABC123 見積書')]);
    expect((await index.search('ＡＢＣ１２３')).map((h) => h.path)).toEqual(['a.pdf']);
  });

  it('treats space-separated Japanese words as separate terms', async () => {
    await index.upsert([doc('a.pdf', '見積書です。別紙の請求書もご確認ください'), doc('b.pdf', '見積書のみ')]);
    expect((await index.search('見積書 請求書')).map((h) => h.path)).toEqual(['a.pdf']);
    expect((await index.search('見積書　請求書')).map((h) => h.path)).toEqual(['a.pdf']);
  });

  it('matches a compound as written, never its parts apart', async () => {
    await index.upsert([
      doc('together.txt', 'ファイルシステムの設計'),
      doc('apart.txt', 'ファイルの管理にはシステムを使う'),
      doc('quote.txt', '御見積書を送付します'),
      doc('plain.txt', '見積書 第2版'),
    ]);
    expect((await index.search('ファイルシステム')).map((h) => h.path)).toEqual(['together.txt']);
    expect((await index.search('見積')).map((h) => h.path).sort()).toEqual(['plain.txt', 'quote.txt']);
  });

  it('finds a quoted phrase only with its words in order', async () => {
    await index.upsert([doc('a.txt', 'Cloud backup subscription, monthly'), doc('b.txt', 'backup of the cloud; subscription renewed')]);
    expect((await index.search('"cloud backup subscription"')).map((h) => h.path)).toEqual(['a.txt']);
    expect((await index.search('cloud backup subscription')).map((h) => h.path).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('matches on the path when the text does not', async () => {
    await index.upsert([doc('契約書/2026/scan.tif', '', { status: 'metadata_only' })]);
    expect((await index.search('契約書')).map((h) => h.path)).toEqual(['契約書/2026/scan.tif']);
  });

  it('treats FTS syntax in queries as plain text', async () => {
    await index.upsert([doc('a.pdf', 'he said "hello" AND left (quickly)')]);
    expect((await index.search('"hello" AND')).map((h) => h.path)).toEqual(['a.pdf']);
    expect(await index.search('NEAR(')).toEqual([]);
  });

  it('updates in place and removes', async () => {
    await index.upsert([doc('a.pdf', 'first version alpha')]);
    await index.upsert([doc('a.pdf', 'second version beta')]);
    expect(await index.count()).toBe(1);
    expect(await index.search('alpha')).toEqual([]);
    expect((await index.search('beta')).map((h) => h.path)).toEqual(['a.pdf']);
    await index.remove([fileId('a.pdf'), fileId('missing.pdf')]);
    expect(await index.count()).toBe(0);
    expect(await index.search('beta')).toEqual([]);
  });

  it('reports stored state for skip decisions', async () => {
    await index.upsert([doc('a.pdf', 'x', { sha256: 'b'.repeat(64), status: 'failed', reason: 'damaged' })]);
    const state = await index.getState([fileId('a.pdf'), fileId('nope.pdf')]);
    expect(state.get(fileId('a.pdf'))).toEqual({ id: fileId('a.pdf'), sha256: 'b'.repeat(64), size: 1, status: 'failed' });
    expect(state.has(fileId('nope.pdf'))).toBe(false);
  });

  it('finds nearest vectors within one model only', async () => {
    await index.upsert([
      doc('red.jpg', '', { vector: { modelId: 'm1', values: unit([1, 0, 0]) } }),
      doc('reddish.jpg', '', { vector: { modelId: 'm1', values: unit([0.9, 0.1, 0]) } }),
      doc('blue.jpg', '', { vector: { modelId: 'm1', values: unit([0, 0, 1]) } }),
      doc('other-model.jpg', '', { vector: { modelId: 'm2', values: unit([1, 0, 0]) } }),
    ]);
    const hits = await index.similar({ modelId: 'm1', values: unit([1, 0.05, 0]) }, { limit: 10 });
    expect(hits.map((h) => h.path)).toEqual(['red.jpg', 'reddish.jpg', 'blue.jpg']);
    expect(hits[0].score).toBeGreaterThan(0.99);
    expect(await index.similar({ modelId: 'unknown', values: unit([1, 0, 0]) })).toEqual([]);
    await expect(index.similar({ modelId: 'm1', values: unit([1, 0]) })).rejects.toThrow(/dimensions/);
  });

  it('replaces a vector when the document is re-indexed, and drops it on removal', async () => {
    await index.upsert([doc('a.jpg', '', { vector: { modelId: 'm1', values: unit([1, 0]) } })]);
    await index.upsert([doc('a.jpg', '', { vector: { modelId: 'm1', values: unit([0, 1]) } })]);
    const hits = await index.similar({ modelId: 'm1', values: unit([0, 1]) });
    expect(hits).toHaveLength(1);
    expect(hits[0].score).toBeGreaterThan(0.99);
    await index.remove([fileId('a.jpg')]);
    expect(await index.similar({ modelId: 'm1', values: unit([0, 1]) })).toEqual([]);
  });

  it('persists across reopen', async () => {
    await index.upsert([doc('a.jpg', 'persisted words', { vector: { modelId: 'm1', values: unit([1, 0]) } })]);
    index.setMeta('root', '/data/share');
    await index.close();
    index = new SqliteIndex(join(dir, 'sub', 'index.db'));
    expect(index.getMeta('root')).toBe('/data/share');
    expect((await index.search('persisted')).map((h) => h.path)).toEqual(['a.jpg']);
    expect(await index.similar({ modelId: 'm1', values: unit([1, 0]) })).toHaveLength(1);
  });

  it('stores language, fields and container, and shows them by path', async () => {
    const fields = { title: '業務委託契約書', author: '山田太郎', created: '2026-01-05T09:00:00.000Z' };
    await index.upsert([
      doc('contracts.zip', '', { kind: 'other', mime: 'application/zip' }),
      doc('contracts.zip/契約書.pdf', '本契約は業務委託の条件を定める。', { language: 'ja', fields, container: fileId('contracts.zip') }),
    ]);
    const shown = await index.getByPath('contracts.zip/契約書.pdf');
    expect(shown).toMatchObject({ language: 'ja', fields, container: fileId('contracts.zip') });
    expect(await index.getByPath('missing.pdf')).toBeUndefined();
    expect(await index.membersOf([fileId('contracts.zip')])).toEqual([fileId('contracts.zip/契約書.pdf')]);
  });

  it('brings a version-1 index up to version 2 in place, keeping its documents', async () => {
    const file = join(dir, 'v1.db');
    const old = new SqliteIndex(file);
    await old.upsert([doc('old.pdf', 'kept across the migration')]);
    await old.close();
    // Undo what version 2 added: the file is then what version 1 wrote.
    const raw = new Database(file);
    raw.exec('DROP INDEX docs_container; ALTER TABLE docs DROP COLUMN language; ALTER TABLE docs DROP COLUMN fields; ALTER TABLE docs DROP COLUMN container; PRAGMA user_version = 1;');
    raw.close();

    const migrated = new SqliteIndex(file);
    try {
      expect((await migrated.search('migration')).map((h) => h.path)).toEqual(['old.pdf']);
      expect(await migrated.getByPath('old.pdf')).toMatchObject({ language: 'other', text: 'kept across the migration' });
      await migrated.upsert([doc('new.pdf', 'written after', { language: 'en', fields: { title: 'New' } })]);
      expect(await migrated.getByPath('new.pdf')).toMatchObject({ language: 'en', fields: { title: 'New' } });
    } finally {
      await migrated.close();
    }
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(2);
    check.close();
  });
});
