import { testbedEnv, uniqueName } from '@cis/testbed';
import { fileId } from '../../core/ids';
import type { IndexDocument } from '../../core/types';
import { encodeOp, indexOp } from './opensearch-bulk';
import { createOpenSearchClient } from './opensearch-client';
import { OpenSearchIndex } from './opensearch-index';
import type { AnalyzerKind } from './opensearch-mapping';

function doc(path: string, text: string): IndexDocument {
  return {
    id: fileId(path),
    path,
    name: path.split('/').pop()!,
    size: text.length,
    mtime: '2026-01-01T00:00:00.000Z',
    sha256: 'a'.repeat(64),
    mime: 'text/plain',
    kind: 'text',
    pages: 1,
    text,
    ocrPages: [],
    status: 'indexed',
    language: 'other',
    indexedAt: '2026-01-02T00:00:00.000Z',
  };
}

const DOCS = [
  doc('together.txt', 'ファイルシステムの設計について'),
  doc('apart.txt', 'ファイルの管理にはシステムを使う'),
  doc('prefix.txt', 'ファイルを開く前に確認する'),
  doc('quote.txt', '御見積書を送付します 見積番号 Q-2024-0042'),
  doc('plain.txt', '見積書 第2版 納品番号 D-2024-0042'),
  doc('ts.txt', 'タイプスクリプトで書く'),
  doc('ts-apart.txt', 'タイプの異なるスクリプト'),
  doc('en.txt', 'Invoices for the cloud backup subscription'),
  doc('en-apart.txt', 'backup of the cloud, subscription renewed'),
  doc('契約書/scan.tif', ''),
];

describe.each<AnalyzerKind>(['kuromoji', 'cjk'])('OpenSearch search with the %s analyser: every term as written', (analyzer) => {
  const client = createOpenSearchClient({ endpoint: testbedEnv().opensearchUrl, auth: { kind: 'none' }, requestTimeoutMs: 30_000 });
  const name = uniqueName(`search-${analyzer}`);
  const index = new OpenSearchIndex(client, { index: name, shards: 1, replicas: 0, analyzer, vectorModels: [] });
  const paths = async (q: string) => (await index.search(q, { limit: 20 })).map((h) => h.path).sort();

  beforeAll(async () => {
    expect(await index.prepare()).toMatchObject({ analyzer, indexCreated: true });
    const ops = DOCS.map((d) => indexOp(name, d));
    const results = await index.bulk(ops, ops.map(encodeOp));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    await index.refresh();
  });
  afterAll(async () => {
    await client.indices.delete({ index: `${name}-v*` }).catch(() => {});
    await client.indices.deleteIndexTemplate({ name: `${name}-template` }).catch(() => {});
    await client.close();
  });

  it('matches a compound only where it is written, not its words apart', async () => {
    expect(await paths('ファイルシステム')).toEqual(['together.txt']);
    expect(await paths('タイプスクリプト')).toEqual(['ts.txt']);
  });

  it('finds a partial word inside longer ones (見積 in 見積書 and 御見積書)', async () => {
    expect(await paths('見積')).toEqual(['plain.txt', 'quote.txt']);
    expect(await paths('見積書')).toEqual(['plain.txt', 'quote.txt']);
    expect(await paths('ファイル')).toEqual(['apart.txt', 'prefix.txt', 'together.txt']);
  });

  it('matches codes with their punctuation', async () => {
    expect(await paths('Q-2024-0042')).toEqual(['quote.txt']);
    expect(await paths('2024-0042')).toEqual(['plain.txt', 'quote.txt']);
  });

  it('leaves English as it was: words anywhere, case-insensitive, inside longer words', async () => {
    expect(await paths('INVOICE')).toEqual(['en.txt']);
    expect(await paths('cloud subscription')).toEqual(['en-apart.txt', 'en.txt']);
    expect(await paths('"cloud backup subscription"')).toEqual(['en.txt']);
  });

  it('finds one-character terms as substrings, and terms in the path', async () => {
    expect(await paths('書')).toEqual(['plain.txt', 'quote.txt', 'ts.txt', '契約書/scan.tif']);
    expect(await paths('契約書')).toEqual(['契約書/scan.tif']);
  });

  it('writes and reads through the alias of a versioned index', async () => {
    const { body } = await client.indices.getAlias({ name });
    expect(Object.keys(body)).toEqual([`${name}-v1`]);
    expect(await index.count()).toBe(DOCS.length);
  });
});
