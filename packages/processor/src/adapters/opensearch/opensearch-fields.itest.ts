import { testbedEnv, uniqueName } from '@cis/testbed';
import { fileId } from '../../core/ids';
import type { IndexDocument } from '../../core/types';
import { encodeOp, indexOp } from './opensearch-bulk';
import { createOpenSearchClient } from './opensearch-client';
import { OpenSearchIndex } from './opensearch-index';
import { DOCUMENT_FIELD_PROPERTIES, TEMPLATE_VERSION, analysisSettings, templateBody, versionedIndexName } from './opensearch-mapping';

const client = createOpenSearchClient({ endpoint: testbedEnv().opensearchUrl, auth: { kind: 'none' }, requestTimeoutMs: 30_000 });
afterAll(() => client.close());

const photo: IndexDocument = {
  id: fileId('photos/IMG_0001.jpg'),
  path: 'photos/IMG_0001.jpg',
  name: 'IMG_0001.jpg',
  size: 10,
  mtime: '2026-01-01T00:00:00.000Z',
  sha256: 'a'.repeat(64),
  mime: 'image/jpeg',
  kind: 'image',
  pages: 1,
  text: '',
  ocrPages: [],
  status: 'indexed',
  language: 'other',
  fields: { takenAt: '2026-01-05T09:30:00.000Z', cameraMake: 'Canon', cameraModel: 'EOS R6', orientation: 6, gps: { lat: 35.675, lon: 139.75 } },
  indexedAt: '2026-01-02T00:00:00.000Z',
};
const contract: IndexDocument = {
  ...photo,
  id: fileId('契約/業務委託.pdf'),
  path: '契約/業務委託.pdf',
  name: '業務委託.pdf',
  mime: 'application/pdf',
  kind: 'pdf',
  text: '本契約は業務委託の条件を定める。',
  language: 'ja',
  fields: { title: '業務委託契約書', author: '山田太郎', created: '2025-12-24T01:00:00.000Z' },
  container: fileId('契約.zip'),
};

describe('OpenSearch document fields (template version 3)', () => {
  const name = uniqueName('fields');
  const index = new OpenSearchIndex(client, { index: name, shards: 1, replicas: 0, analyzer: 'kuromoji', vectorModels: [] });
  afterAll(async () => {
    await client.indices.delete({ index: `${name}-v*` }).catch(() => {});
    await client.indices.deleteIndexTemplate({ name: `${name}-template` }).catch(() => {});
  });

  it('adds the fields to a version-2 index in place, keeping its documents, and stores them typed', async () => {
    // A version-2 index as workers before this one made it: the current mapping without the new fields.
    const body = templateBody({ index: name, shards: 1, replicas: 0, analyzer: 'kuromoji', knn: true, vectorModels: [] }) as {
      template: { mappings: { properties: Record<string, unknown> } };
    };
    const properties = Object.fromEntries(Object.entries(body.template.mappings.properties).filter(([k]) => !(k in DOCUMENT_FIELD_PROPERTIES)));
    await client.indices.create({
      index: versionedIndexName(name, 1),
      body: {
        settings: { index: { number_of_shards: 1, number_of_replicas: 0 }, analysis: analysisSettings('kuromoji') },
        mappings: { dynamic: 'strict', _meta: { template_version: 2, analyzer: 'kuromoji' }, properties },
        aliases: { [name]: { is_write_index: true } },
      } as never,
    });
    await client.index({ index: name, id: 'old', body: { path: 'old.txt', name: 'old.txt', text: '以前の文書', status: 'indexed' }, refresh: true });

    expect(await index.prepare()).toMatchObject({ indexCreated: false, mappingVersion: TEMPLATE_VERSION });
    const ops = [photo, contract].map((d) => indexOp(name, d));
    expect((await index.bulk(ops, ops.map(encodeOp))).filter((r) => !r.ok)).toEqual([]);
    await index.refresh();

    expect(await index.count()).toBe(3);
    const mapping = (await client.indices.getMapping({ index: name })).body[versionedIndexName(name, 1)].mappings as {
      properties: Record<string, { type?: string; properties?: Record<string, { type: string }> }>;
    };
    expect(mapping.properties.language.type).toBe('keyword');
    expect(mapping.properties.fields.properties).toMatchObject({ takenAt: { type: 'date' }, gps: { type: 'geo_point' }, title: { type: 'text' }, cameraMake: { type: 'keyword' } });

    // Typed: a date range, a keyword filter, words of a Japanese title.
    const ids = async (query: unknown) =>
      ((await client.search({ index: name, body: { query } as never })).body.hits.hits as Array<{ _id: string }>).map((h) => h._id).sort();
    expect(await ids({ range: { 'fields.takenAt': { gte: '2026-01-01', lt: '2026-02-01' } } })).toEqual([photo.id]);
    expect(await ids({ term: { language: 'ja' } })).toEqual([contract.id]);
    expect(await ids({ match: { 'fields.title': '委託契約' } })).toEqual([contract.id]);
    expect(await ids({ geo_distance: { distance: '5km', 'fields.gps': { lat: 35.68, lon: 139.76 } } })).toEqual([photo.id]);

    expect(await index.getByPath('契約/業務委託.pdf')).toMatchObject({ id: contract.id, language: 'ja', fields: contract.fields, container: contract.container });
    expect(await index.getByPath('old.txt')).toMatchObject({ id: 'old', language: 'other' });
    expect(await index.membersOf([fileId('契約.zip')])).toEqual([contract.id]);
  });
});
