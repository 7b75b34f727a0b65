import { Client } from '@opensearch-project/opensearch';
import type { Indices_Create_RequestBody } from '@opensearch-project/opensearch/api';
import { testbedEnv, uniqueName } from '../src';

const env = testbedEnv();
const client = new Client({ node: env.opensearchUrl });

/** The shape the worker's index template will have: Japanese text + a Titan-sized vector. */
const JAPANESE_INDEX: Indices_Create_RequestBody = {
  settings: {
    index: { knn: true, number_of_shards: 1, number_of_replicas: 0 },
    analysis: {
      analyzer: {
        ja_text: {
          type: 'custom',
          char_filter: ['kuromoji_iteration_mark'],
          tokenizer: 'kuromoji_tokenizer',
          filter: ['kuromoji_baseform', 'kuromoji_part_of_speech', 'cjk_width', 'ja_stop', 'kuromoji_stemmer', 'lowercase'],
        },
      },
    },
  },
  mappings: {
    properties: {
      body: { type: 'text', analyzer: 'ja_text' },
      size: { type: 'long' },
      embedding: { type: 'knn_vector', dimension: 1024, method: { name: 'hnsw', engine: 'lucene', space_type: 'cosinesimil' } },
    },
  },
};

/** A unit vector pointing mostly along axis `axis`. */
function vector(axis: number): number[] {
  const v = Array.from({ length: 1024 }, () => 0.01);
  v[axis] = 1;
  return v;
}

async function analyze(index: string, analyzer: string, text: string): Promise<string[]> {
  const { body } = await client.indices.analyze({ index, body: { analyzer, text } });
  return (body.tokens ?? []).map((t) => t.token);
}

describe('testbed OpenSearch', () => {
  const index = uniqueName('ja');

  beforeAll(async () => {
    await client.indices.create({ index, body: JAPANESE_INDEX });
  });
  afterAll(async () => {
    await client.indices.delete({ index });
    await client.close();
  });

  it('is OpenSearch 2.19 with the k-NN plugin and the kuromoji stand-in', async () => {
    const { body: info } = await client.info();
    expect(info.version.number).toMatch(/^2\.19\./);
    const { body: plugins } = await client.cat.plugins({ format: 'json' });
    const components = (plugins as { component: string }[]).map((p) => p.component);
    expect(components).toEqual(expect.arrayContaining(['org.opensearch.knn.plugin.KNNPlugin', 'cis.testbed.KuromojiPlugin']));
  });

  it('analyses Japanese into words with kuromoji', async () => {
    const tokens = await analyze(index, 'ja_text', '御見積書を送付いたします。請求書は別途。');
    expect(tokens).toEqual(expect.arrayContaining(['見積', '送付', '請求']));
    expect(tokens).not.toContain('を');
  });

  it('offers the plugin\'s built-in kuromoji analyzer and refuses user dictionaries it cannot honour', async () => {
    expect(await analyze(index, 'kuromoji', '契約書を締結しました')).toEqual(expect.arrayContaining(['契約', '締結']));
    const withDictionary = client.indices.create({
      index: uniqueName('dict'),
      body: { settings: { analysis: { tokenizer: { t: { type: 'kuromoji_tokenizer', mode: 'search', user_dictionary_rules: ['東京スカイツリー,東京 スカイツリー,トウキョウ スカイツリー,カスタム名詞'] } } } } },
    });
    await expect(withDictionary).rejects.toThrow(/user dictionaries are not supported/);
  });

  it('also offers the cjk bigram analyzer, the fallback without kuromoji', async () => {
    expect(await analyze(index, 'cjk', '見積書')).toEqual(['見積', '積書']);
  });

  it('finds 見積書 inside 御見積書 by text and the nearest vector by k-NN', async () => {
    await client.bulk({
      refresh: true,
      body: [
        { index: { _index: index, _id: 'quote' } },
        { body: '御見積書 No.123 株式会社サンプル', size: 10, embedding: vector(0) },
        { index: { _index: index, _id: 'invoice' } },
        { body: '請求書 2024年4月分', size: 20, embedding: vector(1) },
      ],
    });
    // kuromoji splits 見積書 into 見積 + 書: an OR match would also find 請求書 through 書.
    const { body: any } = await client.search({ index, body: { query: { match: { body: '見積書' } } } });
    expect(any.hits.hits.map((h) => h._id)).toEqual(['quote', 'invoice']);
    const { body: all } = await client.search({ index, body: { query: { match: { body: { query: '見積書', operator: 'and' } } } } });
    expect(all.hits.hits.map((h) => h._id)).toEqual(['quote']);

    const { body: knn } = await client.search({
      index,
      body: { size: 2, query: { knn: { embedding: { vector: vector(1), k: 2 } } } },
    });
    expect(knn.hits.hits.map((h) => h._id)).toEqual(['invoice', 'quote']);
  });

  it('reports per-item results when one bulk item is rejected by the mapping', async () => {
    const { body } = await client.bulk({
      refresh: true,
      body: [
        { index: { _index: index, _id: 'ok-1' } },
        { body: '契約書', size: 1 },
        { index: { _index: index, _id: 'bad' } },
        { body: '契約書', size: 'not a number' },
        { index: { _index: index, _id: 'ok-2' } },
        { body: '納品書', size: 3 },
      ],
    });
    expect(body.errors).toBe(true);
    const items = body.items.map((item) => item.index!);
    expect(items.map((i) => [i._id, i.status])).toEqual([
      ['ok-1', 201],
      ['bad', 400],
      ['ok-2', 201],
    ]);
    expect(items[1]!.error?.type).toBe('mapper_parsing_exception');
    const { body: count } = await client.count({ index, body: { query: { ids: { values: ['ok-1', 'bad', 'ok-2'] } } } });
    expect(count.count).toBe(2);
  });

  it('has the reindex module: copies an index with the documents\' external versions', async () => {
    const [from, to] = [uniqueName('reindex-src'), uniqueName('reindex-dst')];
    try {
      await client.index({ index: from, id: 'a', version: 1700000000000, version_type: 'external', refresh: true, body: { body: '御見積書' } });
      const { body } = await client.reindex({ refresh: true, body: { source: { index: from }, dest: { index: to, version_type: 'external' } } });
      expect((body as { created?: number }).created).toBe(1);
      const { body: doc } = await client.get({ index: to, id: 'a' });
      expect(doc._version).toBe(1700000000000);
    } finally {
      await client.indices.delete({ index: [from, to] }).catch(() => {});
    }
  });

  it('rejects knn_vector fields on engines that need native libraries, with the reason', async () => {
    const other = uniqueName('faiss');
    const attempt = client.indices.create({
      index: other,
      body: { settings: { index: { knn: true } }, mappings: { properties: { v: { type: 'knn_vector', dimension: 4 } } } },
    });
    await expect(attempt).rejects.toMatchObject({ meta: { statusCode: 400 } });
    await expect(attempt).rejects.toThrow(/must set method\.engine to "lucene"/);
  });
});
