import type { IndexDocument } from '../../core/types';

/**
 * The index template for file documents. Bump TEMPLATE_VERSION whenever the body changes: a
 * worker only writes the template when the cluster holds an older version, so a fleet of
 * thousands starting at once does not flood the cluster manager with identical updates. An
 * index keeps the mapping it was created with (recorded in its mapping's `_meta`); `cis
 * index-migrate` moves the documents into a new index of the current version.
 *
 * 1: concrete index named as configured; bigrams of letters and digits only.
 * 2: versioned indexes `<index>-vN` behind the alias `<index>`; bigrams keep punctuation and
 *    symbols (Q-2024-0042 no longer matches D-2024-0042); `migratedFrom`.
 * 3: `language`, `container`, `fields` (document properties, EXIF, mail headers). Only fields
 *    are added, so a version-2 index is brought up to 3 in place (put-mapping, see
 *    OpenSearchIndex.prepare), without a reindex.
 */
export const TEMPLATE_VERSION = 3;

/** Versions from which the current mapping is reached by adding fields alone (no analysis changed). */
export const IN_PLACE_FROM_VERSION = 2;

/** The concrete indexes behind the alias `<index>`: `<index>-v1`, `<index>-v2`, … */
export function versionedIndexName(alias: string, generation: number): string {
  return `${alias}-v${generation}`;
}

/** The generation of a concrete index behind `alias`, or undefined for any other name. */
export function generationOf(alias: string, name: string): number | undefined {
  const m = /^-v(\d+)$/.exec(name.startsWith(alias) ? name.slice(alias.length) : '');
  return m ? Number(m[1]) : undefined;
}

export type AnalyzerKind = 'kuromoji' | 'cjk';

export interface TemplateOptions {
  index: string;
  shards: number;
  replicas: number;
  analyzer: AnalyzerKind;
  /** Without the k-NN plugin, vectors are kept in _source only (no similarity search). */
  knn: boolean;
  vectorModels: ReadonlyArray<{ modelId: string; dimensions: number }>;
}

/**
 * One vector field per embedding model and size: vectors of different models (or of one model
 * at different output lengths) live in different spaces and must never be compared.
 */
export function vectorField(modelId: string, dimensions: number): string {
  return `vector_${modelId.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}_${dimensions}`;
}

export function vectorMapping(dimensions: number, knn: boolean): Record<string, unknown> {
  if (!knn) return { type: 'float', index: false, doc_values: false };
  // Lucene's HNSW: built into the k-NN plugin without native libraries, so it runs on Amazon
  // OpenSearch Service and in the testbed alike (faiss/nmslib need native code the testbed lacks).
  return {
    type: 'knn_vector',
    dimension: dimensions,
    method: { name: 'hnsw', engine: 'lucene', space_type: 'cosinesimil', parameters: { m: 16, ef_construction: 128 } },
  };
}

/**
 * Two analyses of the same text:
 *
 * - `cis_ngram` (sub-field `.ngram`, and `path`): character bigrams. A phrase of bigrams is a
 *   substring test, which is what a query term means: 見積 is found inside 御見積書, and
 *   ファイルシステム only where it is written so. Punctuation and symbols are part of the
 *   bigrams, so codes match as written (Q-2024-0042 is not D-2024-0042); whitespace is not, so
 *   a phrase may span a line break. The same with or without analysis-kuromoji.
 * - `cis_text` (the field itself): words, for ranking and highlighting only. Kuromoji where the
 *   cluster has analysis-kuromoji, else CJK bigrams from analysis-common. Kuromoji splits
 *   ファイルシステム into ファイル + システム in every mode, so matching on it would find any
 *   document with both words anywhere: no term matches through this field alone.
 *
 * Text arrives NFKC-normalised from the extractors; cjk_width does the same for queries.
 */
export function analysisSettings(kind: AnalyzerKind): Record<string, unknown> {
  const bigram = {
    tokenizer: { cis_bigram: { type: 'ngram', min_gram: 2, max_gram: 2, token_chars: ['letter', 'digit', 'punctuation', 'symbol'] } },
    analyzer: { cis_ngram: { type: 'custom', tokenizer: 'cis_bigram', filter: ['cjk_width', 'lowercase'] } },
  };
  const text =
    kind === 'kuromoji'
      ? {
          type: 'custom',
          char_filter: ['kuromoji_iteration_mark'],
          tokenizer: 'cis_kuromoji',
          filter: ['kuromoji_baseform', 'kuromoji_part_of_speech', 'cjk_width', 'ja_stop', 'kuromoji_stemmer', 'lowercase'],
        }
      : { type: 'custom', tokenizer: 'standard', filter: ['cjk_width', 'lowercase', 'cjk_bigram'] };
  return {
    tokenizer: { ...bigram.tokenizer, ...(kind === 'kuromoji' ? { cis_kuromoji: { type: 'kuromoji_tokenizer', mode: 'search' } } : {}) },
    analyzer: { ...bigram.analyzer, cis_text: text },
  };
}

const keyword = { type: 'keyword' };
const date = { type: 'date' };
/** Words for matching and ranking, the exact value for filters and facets. */
const words = { type: 'text', analyzer: 'cis_text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } };

/**
 * What version 3 added, typed for a search page's filters: names of people and tools as
 * keywords, titles as words (and keywords), dates as dates, where a photo was taken as a point.
 */
export const DOCUMENT_FIELD_PROPERTIES: Record<string, unknown> = {
  language: keyword,
  container: keyword,
  fields: {
    properties: {
      title: words,
      author: words,
      subject: words,
      keywords: words,
      creatorTool: keyword,
      lastModifiedBy: keyword,
      company: keyword,
      created: date,
      modified: date,
      takenAt: date,
      cameraMake: keyword,
      cameraModel: keyword,
      orientation: { type: 'byte' },
      gps: { type: 'geo_point' },
      from: keyword,
      to: keyword,
      cc: keyword,
      sentAt: date,
    },
  },
};

export function templateBody(opts: TemplateOptions): Record<string, unknown> {
  const vectors = Object.fromEntries(opts.vectorModels.map((m) => [vectorField(m.modelId, m.dimensions), vectorMapping(m.dimensions, opts.knn)]));
  return {
    // The concrete indexes only: the name workers and searches use is their alias.
    index_patterns: [`${opts.index}-v*`],
    priority: 200,
    version: TEMPLATE_VERSION,
    _meta: { managed_by: 'cis-worker', analyzer: opts.analyzer, knn: opts.knn },
    template: {
      settings: {
        index: {
          number_of_shards: opts.shards,
          number_of_replicas: opts.replicas,
          ...(opts.knn ? { knn: true } : {}),
        },
        analysis: analysisSettings(opts.analyzer),
      },
      mappings: {
        // A field nobody declared is a bug, not data: refuse it instead of guessing its type.
        dynamic: 'strict',
        _meta: { template_version: TEMPLATE_VERSION, analyzer: opts.analyzer },
        properties: {
          path: { type: 'text', analyzer: 'cis_ngram', fields: { keyword: { type: 'keyword', ignore_above: 4096 } } },
          name: {
            type: 'text',
            analyzer: 'cis_text',
            fields: { keyword: { type: 'keyword', ignore_above: 1024 }, ngram: { type: 'text', analyzer: 'cis_ngram' } },
          },
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
          // Set by `cis index-migrate` on the copies it makes (the index copied from); a worker's
          // write replaces the whole document and so drops it. See index-migration.ts.
          migratedFrom: keyword,
          ...DOCUMENT_FIELD_PROPERTIES,
          ...vectors,
        },
      },
    },
  };
}

/** The stored form of a document: its vector goes to its model's own field. */
export function toSource(doc: IndexDocument): Record<string, unknown> {
  const { id: _id, vector, ...rest } = doc;
  return {
    ...rest,
    ...(vector
      ? { vectorModel: vector.modelId, [vectorField(vector.modelId, vector.values.length)]: Array.from(vector.values, round7) }
      : {}),
  };
}

/** Seven significant digits are all a float32 holds; fewer characters per vector in every bulk request. */
function round7(v: number): number {
  return Number(v.toPrecision(7));
}
