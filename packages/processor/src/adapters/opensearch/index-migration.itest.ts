import { TEMPLATE_VERSION } from './opensearch-mapping';
import { testbedEnv, uniqueName } from '@cis/testbed';
import { createLegacyIndex } from '../../../test/support/legacy-index';
import { fileId } from '../../core/ids';
import type { IndexDocument } from '../../core/types';
import { IndexMigration, readIndexState, type MigrationStep } from './index-migration';
import { BulkWriter } from './bulk-writer';
import { createOpenSearchClient } from './opensearch-client';
import { OpenSearchIndex } from './opensearch-index';

function doc(path: string, text: string, mtime = '2026-01-01T00:00:00.000Z', indexedAt = new Date().toISOString()): IndexDocument {
  return {
    id: fileId(path),
    path,
    name: path.split('/').pop()!,
    size: text.length,
    mtime,
    sha256: 'a'.repeat(64),
    mime: 'text/plain',
    kind: 'text',
    pages: 1,
    text,
    ocrPages: [],
    status: 'indexed',
    language: 'other',
    indexedAt,
  };
}

const client = createOpenSearchClient({ endpoint: testbedEnv().opensearchUrl, auth: { kind: 'none' }, requestTimeoutMs: 30_000 });
afterAll(() => client.close());

/** The index name as workers use it, a writer through that name, and clean-up. */
function setup(label: string) {
  const name = uniqueName(label);
  const index = new OpenSearchIndex(client, { index: name, shards: 1, replicas: 0, analyzer: 'kuromoji', vectorModels: [] });
  // Retries of blocked writes come back quickly, as a worker's would.
  const writer = new BulkWriter(index, { maxBytes: 1_000_000, lingerMs: 5, retryBudgetMs: 60_000, retryBaseMs: 100, retryCapMs: 500 });
  const write = async (d: IndexDocument) => expect(await writer.put(d)).toMatchObject({ ok: true });
  const get = async (concrete: string, path: string) => {
    const res = await client.get({ index: concrete, id: fileId(path) }, { ignore: [404] });
    return res.body.found ? (res.body._source as { text: string; migratedFrom?: string }) : undefined;
  };
  const cleanup = async () => {
    await client.indices.delete({ index: `${name}*` }).catch(() => {});
    await client.indices.deleteIndexTemplate({ name: `${name}-template` }).catch(() => {});
  };
  return { name, index, writer, write, get, cleanup };
}

describe('IndexMigration: a legacy index moves behind an alias with the new mapping', () => {
  const t = setup('migrate-legacy');
  afterAll(() => t.cleanup());

  it('copies, catches up, carries deletes over, swaps the alias and keeps the old documents', async () => {
    await createLegacyIndex(client, t.name);
    // A worker of this version adds the document fields to the legacy index in place; it stays version 1.
    expect(await t.index.prepare()).toMatchObject({ indexCreated: false, mappingVersion: 1 });
    await t.write(doc('q.txt', '見積番号 Q-2024-0042 ファイルシステム'));
    await t.write(doc('d.txt', '納品番号 D-2024-0042 ファイルの管理にはシステム'));
    await t.write(doc('changes.txt', 'first version', '2026-01-01T00:00:00.000Z'));
    await t.write(doc('goes.txt', 'deleted during the copy'));
    await t.index.refresh();
    // The legacy mapping drops punctuation from bigrams: the code also finds its neighbour.
    expect((await t.index.search('Q-2024-0042')).map((h) => h.path).sort()).toEqual(['d.txt', 'q.txt']);

    // No margin: a catch-up reads exactly what was indexed since the previous pass started.
    const migration = await IndexMigration.plan(t.index, { catchUpMarginMs: 0, pollMs: 100 });
    expect(migration.plan).toEqual({
      alias: t.name,
      source: t.name,
      legacy: true,
      retired: `${t.name}-v1`,
      target: `${t.name}-v2`,
      sourceVersion: 1,
      targetVersion: TEMPLATE_VERSION,
    });
    const steps: MigrationStep[] = [];
    migration.on('step', (s) => steps.push(s.step));

    await migration.createTarget();
    expect(await migration.copy()).toMatchObject({ pass: 'copy', total: 4, created: 4 });
    // Workers keep writing to the old index while it is copied.
    await t.write(doc('changes.txt', 'second version', '2026-02-01T00:00:00.000Z'));
    await t.write(doc('new.txt', 'arrived during the copy'));
    expect(await t.writer.delete(fileId('goes.txt'))).toMatchObject({ ok: true });
    expect(await migration.catchUp()).toMatchObject({ pass: 'catch-up', created: 1, updated: 1 });

    // While the source is frozen, a worker's write waits (a retryable block) and lands after the swap.
    let frozenWrite: Promise<void> | undefined;
    migration.on('step', (s) => {
      if (s.step === 'final catch-up') frozenWrite = t.write(doc('late.txt', 'written while the source was frozen'));
    });
    await migration.freezeAndSwap();
    expect(frozenWrite).toBeDefined();
    await frozenWrite;
    expect(await migration.reconcile()).toEqual({ staleDeleted: 1, rewrittenMeanwhile: 0 });
    expect(steps).toEqual(['create', 'copy', 'catch-up', 'freeze', 'final catch-up', 'clone', 'swap', 'reconcile']);

    const { body: aliases } = await client.indices.getAlias({ name: t.name });
    expect(Object.keys(aliases)).toEqual([`${t.name}-v2`]);
    const target = `${t.name}-v2`;
    expect((await t.get(target, 'changes.txt'))?.text).toBe('second version');
    expect(await t.get(target, 'new.txt')).toBeDefined();
    expect(await t.get(target, 'goes.txt')).toBeUndefined();
    // Written through the alias after the swap: the worker's own document, without the copy's mark.
    expect(await t.get(target, 'late.txt')).toEqual(expect.not.objectContaining({ migratedFrom: expect.anything() }));
    expect((await t.get(target, 'q.txt'))?.migratedFrom).toBe(`${t.name}-v1`);

    await t.index.refresh();
    expect((await t.index.search('Q-2024-0042')).map((h) => h.path)).toEqual(['q.txt']);
    expect((await t.index.search('ファイルシステム')).map((h) => h.path)).toEqual(['q.txt']);
    expect(await t.index.count()).toBe(5);

    // The old documents stay, read-only, with the old mapping, until the operator deletes them.
    const retired = `${t.name}-v1`;
    expect((await t.get(retired, 'changes.txt'))?.text).toBe('second version');
    expect((await client.count({ index: retired })).body.count).toBe(4);
    const { body: settings } = await client.indices.getSettings({ index: retired, flat_settings: true });
    expect(settings[retired]?.settings?.['index.blocks.write']).toBe('true');
    expect(await readIndexState(t.index)).toMatchObject({ concrete: target, legacy: false, version: 3, others: [retired] });
  }, 120_000);

  it('moves an alias on to a newer generation, and the worker preparing the name finds it current', async () => {
    const migration = await IndexMigration.plan(t.index, { catchUpMarginMs: 60_000, pollMs: 100 });
    expect(migration.plan).toMatchObject({ source: `${t.name}-v2`, legacy: false, retired: `${t.name}-v2`, target: `${t.name}-v3` });
    const result = await migration.run();
    expect(result).toMatchObject({ documents: 5, staleDeleted: 0 });
    expect(Object.keys((await client.indices.getAlias({ name: t.name })).body)).toEqual([`${t.name}-v3`]);
    expect(await t.index.prepare()).toMatchObject({ indexCreated: false, templateWritten: false, mappingVersion: 3 });
  }, 60_000);
});

describe('IndexMigration that fails before the swap', () => {
  const t = setup('migrate-fails');
  afterAll(() => t.cleanup());

  it('says which document could not be copied and leaves everything as it was', async () => {
    // An index someone made by hand: `size` as text, so a value the template's long field refuses.
    await client.indices.create({ index: t.name, body: { mappings: { properties: { size: { type: 'keyword' }, text: { type: 'text' } } } } as never });
    await client.index({ index: t.name, id: 'odd', refresh: true, body: { size: 'about a megabyte', text: 'x' } as never });
    const migration = await IndexMigration.plan(t.index, { catchUpMarginMs: 0, pollMs: 100 });
    await expect(migration.run()).rejects.toThrow(/copy .*1 document\(s\) not copied, e\.g\. odd: mapper_parsing_exception/);
    expect((await client.indices.exists({ index: migration.plan.target })).body).toBe(false);
    // Still the same concrete index, still taking writes.
    expect(await readIndexState(t.index)).toMatchObject({ concrete: t.name, legacy: true, others: [] });
    await client.index({ index: t.name, id: 'after', body: { size: '1', text: 'written after the failed migration' } as never });
  }, 60_000);

  it('rolls back after the freeze: the source takes writes again, the new index is gone', async () => {
    await client.delete({ index: t.name, id: 'odd', refresh: true });
    const migration = await IndexMigration.plan(t.index, { catchUpMarginMs: 0, pollMs: 100 });
    await migration.createTarget();
    await migration.copy();
    await client.index({ index: t.name, id: 'odd-late', refresh: true, body: { size: 'late and odd', text: 'y', indexedAt: new Date().toISOString() } as never });
    await expect(migration.freezeAndSwap()).rejects.toThrow(/final catch-up .*odd-late: mapper_parsing_exception/);
    await expect(client.index({ index: t.name, id: 'blocked', body: { size: '1' } as never })).rejects.toThrow(/blocked/);
    await migration.rollBack();
    await client.index({ index: t.name, id: 'unblocked', body: { size: '1' } as never });
    expect((await client.indices.exists({ index: migration.plan.target })).body).toBe(false);
    expect(await readIndexState(t.index)).toMatchObject({ concrete: t.name, legacy: true, others: [] });
  }, 60_000);
});

describe('OpenSearchIndex.prepare on a new cluster', () => {
  const t = setup('migrate-fresh');
  afterAll(() => t.cleanup());

  it('creates <name>-v1 behind the alias <name> and writes through it', async () => {
    expect(await t.index.prepare()).toMatchObject({ indexCreated: true, mappingVersion: 3 });
    await t.write(doc('a.txt', 'through the alias'));
    expect(await t.get(`${t.name}-v1`, 'a.txt')).toBeDefined();
    expect(await readIndexState(t.index)).toMatchObject({ concrete: `${t.name}-v1`, legacy: false, version: 3, others: [] });
  });
});
