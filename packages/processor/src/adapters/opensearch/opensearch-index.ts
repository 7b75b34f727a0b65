import type { Client } from '@opensearch-project/opensearch';
import { errorMessage } from '../../core/errors';
import type { IndexedState, SearchHit, SearchIndex, StoredDocument } from '../../core/types';
import { log } from '../../core/log';
import { searchTerms } from '../../core/search-terms';
import { parseBulkResponse, type BulkItemResult, type BulkOp } from './opensearch-bulk';
import { DOCUMENT_FIELD_PROPERTIES, IN_PLACE_FROM_VERSION, templateBody, TEMPLATE_VERSION, vectorField, vectorMapping, versionedIndexName, type AnalyzerKind } from './opensearch-mapping';
import { searchQuery } from './opensearch-query';

export interface OpenSearchIndexOptions {
  index: string;
  shards: number;
  replicas: number;
  analyzer: 'auto' | AnalyzerKind;
  /** Embedding models whose vector fields must exist (one field per model and size). */
  vectorModels: ReadonlyArray<{ modelId: string; dimensions: number }>;
}

export interface PreparedIndex {
  analyzer: AnalyzerKind;
  knn: boolean;
  templateWritten: boolean;
  indexCreated: boolean;
  /** The template version the index was created with; below TEMPLATE_VERSION, `cis index-migrate` brings it up to date. */
  mappingVersion: number;
}

/**
 * File documents in OpenSearch. `_id` is the document id (fileId of the object key), so a
 * redelivered message overwrites its document instead of adding a second one. Writes go through
 * `bulk`, which reports each item's outcome; nothing here retries (BulkWriter does).
 *
 * `name` is an alias over one concrete index `<name>-vN` (an index created before version 2 of
 * the template is a concrete index of that name, until `cis index-migrate`): every read and
 * write goes through the name, so a migration moves the alias and nobody else notices.
 */
export class OpenSearchIndex implements SearchIndex {
  readonly name: string;
  private knn = true;

  constructor(
    readonly client: Client,
    private readonly opts: OpenSearchIndexOptions,
  ) {
    this.name = opts.index;
  }

  /**
   * Makes sure the template, the index and every model's vector field exist; cheap when they
   * do (reads only), so every worker can call it at start.
   */
  async prepare(): Promise<PreparedIndex> {
    const { analyzer, templateWritten } = await this.ensureTemplate();
    const indexCreated = await this.createIndexIfMissing();
    await this.ensureDocumentFields(analyzer);
    for (const m of this.opts.vectorModels) await this.ensureVectorField(m.modelId, m.dimensions);
    return { analyzer, knn: this.knn, templateWritten, indexCreated, mappingVersion: Math.min(...Object.values(await this.mappingVersions())) };
  }

  /** Writes the current template unless the cluster holds it (or a newer one) already. */
  async ensureTemplate(): Promise<{ analyzer: AnalyzerKind; templateWritten: boolean }> {
    const analyzer = this.opts.analyzer === 'auto' ? await this.detectAnalyzer() : this.opts.analyzer;
    const templateName = `${this.name}-template`;
    const current = await this.currentTemplate(templateName);
    if (current && current.version >= TEMPLATE_VERSION) {
      this.knn = current.knn;
      return { analyzer, templateWritten: false };
    }
    try {
      await this.putTemplate(templateName, analyzer, true);
    } catch (err) {
      if (!/knn_vector|\bknn\b/i.test(errorMessage(err))) throw err;
      log.warn({ err: errorMessage(err) }, 'the cluster cannot map knn_vector: vectors are stored without similarity search');
      this.knn = false;
      await this.putTemplate(templateName, analyzer, false);
    }
    return { analyzer, templateWritten: true };
  }

  /**
   * The template version of each concrete index behind the name (recorded in the mapping's
   * `_meta`); an index from before version 2 has none and counts as 1.
   */
  async mappingVersions(): Promise<Record<string, number>> {
    const res = await this.client.indices.getMapping({ index: this.name });
    const body = res.body as Record<string, { mappings?: { _meta?: { template_version?: number } } }>;
    return Object.fromEntries(Object.entries(body).map(([index, m]) => [index, m.mappings?._meta?.template_version ?? 1]));
  }

  /** With the object's ETag, so the worker skips a redelivered message without downloading again. */
  async getState(ids: string[]): Promise<Map<string, IndexedState>> {
    const out = new Map<string, IndexedState>();
    if (ids.length === 0) return out;
    const res = await this.client.mget({
      index: this.name,
      body: { ids },
      _source_includes: ['sha256', 'size', 'status', 's3.etag'],
    });
    for (const d of (res.body.docs ?? []) as Array<{ _id: string; found?: boolean; _source?: Record<string, any> }>) {
      if (!d.found || !d._source) continue;
      const s = d._source;
      out.set(d._id, { id: d._id, sha256: s.sha256, size: s.size, status: s.status, etag: s.s3?.etag });
    }
    return out;
  }

  /**
   * One bulk request (`encoded`: the operations' NDJSON lines). Every operation gets a result; a request that fails as a whole fails each
   * item with the same reason (retryable unless the cluster refused the request itself).
   */
  async bulk(ops: readonly BulkOp[], encoded: readonly string[]): Promise<BulkItemResult[]> {
    if (ops.length === 0) return [];
    const body = encoded.join('');
    try {
      const res = await this.client.transport.request({ method: 'POST', path: '/_bulk', bulkBody: body });
      return parseBulkResponse(ops, res.body as Parameters<typeof parseBulkResponse>[1]);
    } catch (err) {
      const status = statusOf(err);
      const retryable = status === undefined || status === 429 || status >= 500 || status === 403;
      return ops.map((op) => ({ id: op.id, ok: false, status: status ?? 0, error: `bulk request failed: ${errorMessage(err)}`, retryable }));
    }
  }

  async search(query: string, opts: { limit?: number } = {}): Promise<SearchHit[]> {
    const terms = searchTerms(query);
    if (terms.length === 0) return [];
    const res = await this.client.search({
      index: this.name,
      body: {
        size: opts.limit ?? 10,
        _source: ['path', 'text'],
        query: searchQuery(terms),
        highlight: {
          pre_tags: ['['],
          post_tags: [']'],
          fields: { text: { fragment_size: 80, number_of_fragments: 1 }, 'text.ngram': { fragment_size: 80, number_of_fragments: 1 } },
        },
      },
    });
    return (res.body.hits.hits as SearchResponseHit[]).map((h) => ({
      id: h._id,
      path: h._source?.path ?? '',
      score: Math.round((h._score ?? 0) * 1000) / 1000,
      // The n-gram field's highlight marks the query as typed; kuromoji's marks each word of it anywhere.
      snippet: (h.highlight?.['text.ngram']?.[0] ?? h.highlight?.text?.[0] ?? (h._source?.text ?? '').slice(0, 80)).replace(/\s+/g, ' ').trim(),
    }));
  }

  async getByPath(path: string): Promise<StoredDocument | undefined> {
    const res = await this.client.search({ index: this.name, body: { size: 1, query: { term: { 'path.keyword': path } } } });
    const hit = (res.body.hits.hits as Array<{ _id: string; _source?: Record<string, unknown> }>)[0];
    if (!hit?._source) return undefined;
    const { vectorModel, ...rest } = hit._source;
    const source = Object.fromEntries(Object.entries(rest).filter(([key]) => !key.startsWith('vector_')));
    const values = Object.entries(rest).find(([key]) => key.startsWith('vector_'))?.[1];
    return {
      ...(source as Omit<StoredDocument, 'id' | 'vector'>),
      id: hit._id,
      // Documents written before template version 3 have no language.
      language: (source.language as StoredDocument['language'] | undefined) ?? 'other',
      ...(typeof vectorModel === 'string' && Array.isArray(values) ? { vector: { modelId: vectorModel, dimensions: values.length } } : {}),
    };
  }

  /** Ids of the documents that came out of these containers, all levels down. */
  async membersOf(containerIds: string[]): Promise<string[]> {
    const out: string[] = [];
    let level = containerIds;
    while (level.length > 0) {
      const res = await this.client.search({
        index: this.name,
        body: { size: 10_000, _source: false, query: { terms: { container: level } } },
      });
      level = (res.body.hits.hits as Array<{ _id: string }>).map((h) => h._id);
      out.push(...level);
    }
    return out;
  }

  async similar(vector: { modelId: string; values: Float32Array }, opts: { limit?: number } = {}): Promise<SearchHit[]> {
    if (!this.knn) throw new Error(`similarity search is unavailable: ${this.name} was created without the k-NN plugin`);
    const field = vectorField(vector.modelId, vector.values.length);
    if (!(await this.hasField(field))) return [];
    const k = opts.limit ?? 10;
    const res = await this.client.search({
      index: this.name,
      body: { size: k, _source: ['path'], query: { knn: { [field]: { vector: Array.from(vector.values), k } } } },
    });
    return (res.body.hits.hits as SearchResponseHit[]).map((h) => ({
      id: h._id,
      path: h._source?.path ?? '',
      score: Math.round((h._score ?? 0) * 1000) / 1000,
      snippet: '',
    }));
  }

  /** Every stored document's id and the object key (or path) it was stored for, page by page (scroll). */
  async *documentKeys(pageSize = 1000): AsyncGenerator<{ id: string; key: string }> {
    let res = await this.client.search({ index: this.name, scroll: '2m', body: { size: pageSize, _source: ['s3.key', 'path'], query: { match_all: {} } } });
    let scrollId = res.body._scroll_id as string | undefined;
    try {
      for (;;) {
        const hits = res.body.hits.hits as Array<{ _id: string; _source?: { path?: string; s3?: { key?: string } } }>;
        if (hits.length === 0) return;
        for (const h of hits) yield { id: h._id, key: h._source?.s3?.key ?? h._source?.path ?? '' };
        res = await this.client.scroll({ body: { scroll_id: scrollId!, scroll: '2m' } });
        scrollId = (res.body._scroll_id as string | undefined) ?? scrollId;
      }
    } finally {
      if (scrollId) await this.client.clearScroll({ body: { scroll_id: scrollId } }).catch(() => undefined);
    }
  }

  async count(): Promise<number> {
    const res = await this.client.count({ index: this.name });
    return res.body.count;
  }

  /** Makes recent writes searchable now (tests and benchmarks; the worker relies on refresh_interval). */
  async refresh(): Promise<void> {
    await this.client.indices.refresh({ index: this.name });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async detectAnalyzer(): Promise<AnalyzerKind> {
    try {
      await this.client.indices.analyze({ body: { tokenizer: 'kuromoji_tokenizer', text: '御見積書' } });
      return 'kuromoji';
    } catch (err) {
      // Only an unknown tokenizer means kuromoji is missing; a refused probe (permissions) proves nothing.
      if (statusOf(err) !== 400) return 'kuromoji';
      log.warn({ err: errorMessage(err) }, 'analysis-kuromoji is not installed: Japanese text is indexed as CJK bigrams');
      return 'cjk';
    }
  }

  private async currentTemplate(name: string): Promise<{ version: number; knn: boolean } | undefined> {
    try {
      const res = await this.client.indices.getIndexTemplate({ name });
      const t = (res.body.index_templates as Array<{ index_template: { version?: number; _meta?: { knn?: boolean } } }>)[0]?.index_template;
      return t ? { version: t.version ?? 0, knn: t._meta?.knn !== false } : undefined;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  private async putTemplate(name: string, analyzer: AnalyzerKind, knn: boolean): Promise<void> {
    const body = templateBody({ ...this.opts, analyzer, knn });
    await this.client.indices.putIndexTemplate({ name, body: body as never });
  }

  /** The first concrete index `<name>-v1`, created with the alias `<name>` as its write index. */
  private async createIndexIfMissing(): Promise<boolean> {
    if ((await this.client.indices.exists({ index: this.name })).body) return false;
    try {
      await this.client.indices.create({ index: versionedIndexName(this.name, 1), body: { aliases: { [this.name]: { is_write_index: true } } } });
      return true;
    } catch (err) {
      // Another worker created it a moment ago.
      if (/resource_already_exists_exception/.test(errorMessage(err))) return false;
      throw err;
    }
  }

  /** True when every concrete index behind the name maps `field` (the response is keyed by concrete index, not by alias). */
  private async hasField(field: string): Promise<boolean> {
    const res = await this.client.indices.getFieldMapping({ index: this.name, fields: [field] });
    const indexes = Object.values(res.body as Record<string, { mappings?: Record<string, unknown> }>);
    return indexes.length > 0 && indexes.every((i) => field in (i.mappings ?? {}));
  }

  /**
   * Adds the fields of template version 3 to indexes made before it, in place (put-mapping):
   * the mapping is strict, so a document with fields would otherwise be refused. A version-2
   * index is then recorded as version 3, as nothing else differs; a version-1 index keeps its
   * version (its analysis is older) until `cis index-migrate`.
   */
  private async ensureDocumentFields(analyzer: AnalyzerKind): Promise<void> {
    const versions = await this.mappingVersions();
    for (const [index, version] of Object.entries(versions)) {
      if (version >= TEMPLATE_VERSION) continue;
      const upgrade = version >= IN_PLACE_FROM_VERSION;
      const body = {
        ...(upgrade ? { _meta: { template_version: TEMPLATE_VERSION, analyzer } } : {}),
        properties: DOCUMENT_FIELD_PROPERTIES,
      };
      try {
        await this.client.indices.putMapping({ index, body: body as never });
      } catch (err) {
        // An index this project did not create (no cis_text analyser): it keeps working as it is;
        // `cis index-migrate` moves its documents into an index of the current mapping.
        if (statusOf(err) !== 400) throw err;
        log.warn({ index, err: errorMessage(err) }, 'document fields could not be added to the index mapping: "cis index-migrate" moves it to the current one');
        continue;
      }
      log.info({ index, from: version, to: upgrade ? TEMPLATE_VERSION : version }, 'document fields added to the index mapping');
    }
  }

  private async ensureVectorField(modelId: string, dimensions: number): Promise<void> {
    const field = vectorField(modelId, dimensions);
    if (await this.hasField(field)) return;
    await this.client.indices.putMapping({ index: this.name, body: { properties: { [field]: vectorMapping(dimensions, this.knn) } } as never });
  }
}

interface SearchResponseHit {
  _id: string;
  _score?: number;
  _source?: { path?: string; text?: string };
  highlight?: Record<string, string[]>;
}

export function statusOf(err: unknown): number | undefined {
  const s = (err as { meta?: { statusCode?: number } } | undefined)?.meta?.statusCode;
  return typeof s === 'number' && s > 0 ? s : undefined;
}
