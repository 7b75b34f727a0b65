import type { Client } from '@opensearch-project/opensearch';

/**
 * An index as workers before template version 2 left it: the template `<name>-template`
 * (version 1, pattern `<name>`) and a concrete index named `<name>`, no alias. Frozen here
 * (kuromoji variant, no vector fields) so migration tests start from what existing clusters
 * hold, whatever the current template says.
 */
export async function createLegacyIndex(client: Client, name: string): Promise<void> {
  const keyword = { type: 'keyword' };
  await client.indices.putIndexTemplate({
    name: `${name}-template`,
    body: {
      index_patterns: [name],
      priority: 200,
      version: 1,
      _meta: { managed_by: 'cis-worker', analyzer: 'kuromoji', knn: true },
      template: {
        settings: {
          index: { number_of_shards: 1, number_of_replicas: 0, knn: true },
          analysis: {
            tokenizer: {
              cis_bigram: { type: 'ngram', min_gram: 2, max_gram: 2, token_chars: ['letter', 'digit'] },
              cis_kuromoji: { type: 'kuromoji_tokenizer', mode: 'search' },
            },
            analyzer: {
              cis_ngram: { type: 'custom', tokenizer: 'cis_bigram', filter: ['cjk_width', 'lowercase'] },
              cis_text: {
                type: 'custom',
                char_filter: ['kuromoji_iteration_mark'],
                tokenizer: 'cis_kuromoji',
                filter: ['kuromoji_baseform', 'kuromoji_part_of_speech', 'cjk_width', 'ja_stop', 'kuromoji_stemmer', 'lowercase'],
              },
            },
          },
        },
        mappings: {
          dynamic: 'strict',
          properties: {
            path: { type: 'text', analyzer: 'cis_ngram', fields: { keyword: { type: 'keyword', ignore_above: 4096 } } },
            name: { type: 'text', analyzer: 'cis_text', fields: { keyword: { type: 'keyword', ignore_above: 1024 }, ngram: { type: 'text', analyzer: 'cis_ngram' } } },
            size: { type: 'long' },
            mtime: { type: 'date' },
            sha256: keyword,
            mime: keyword,
            kind: keyword,
            pages: { type: 'integer' },
            text: { type: 'text', analyzer: 'cis_text', fields: { ngram: { type: 'text', analyzer: 'cis_ngram' } } },
            ocrPages: { type: 'integer' },
            status: keyword,
            reason: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } },
            indexedAt: { type: 'date' },
            vectorModel: keyword,
            s3: { properties: { bucket: keyword, key: keyword, etag: keyword } },
          },
        },
      },
    } as never,
  });
  await client.indices.create({ index: name });
}
