import { encodeOp, parseBulkResponse, type BulkOp } from './opensearch-bulk';
import { toSource, vectorField } from './opensearch-mapping';

const index = (id: string): BulkOp => ({ kind: 'index', index: 'files', id, source: { path: id }, version: 1700000000000 });
const del = (id: string): BulkOp => ({ kind: 'delete', index: 'files', id });

describe('bulk encoding', () => {
  it('writes _id and an external_gte version so redelivery overwrites and stale messages cannot', () => {
    const lines = encodeOp(index('a')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([{ index: { _index: 'files', _id: 'a', version: 1700000000000, version_type: 'external_gte' } }, { path: 'a' }]);
    expect(encodeOp(del('b'))).toBe('{"delete":{"_index":"files","_id":"b"}}\n');
  });
});

describe('parseBulkResponse', () => {
  it('accounts for every item: ok, superseded, missing delete, retryable, permanent', () => {
    const ops = [index('ok'), index('old'), del('gone'), index('busy'), index('bad'), index('blocked'), index('lost')];
    const results = parseBulkResponse(ops, {
      items: [
        { index: { _id: 'ok', status: 201 } },
        { index: { _id: 'old', status: 409, error: { type: 'version_conflict_engine_exception', reason: 'current version is higher' } } },
        { delete: { _id: 'gone', status: 404 } },
        { index: { _id: 'busy', status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } } },
        {
          index: {
            _id: 'bad',
            status: 400,
            error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [size]', caused_by: { type: 'number_format_exception', reason: 'For input string' } },
          },
        },
        { index: { _id: 'blocked', status: 403, error: { type: 'cluster_block_exception', reason: 'index read-only / allow delete (api)' } } },
      ],
    });
    expect(results.map((r) => [r.id, r.ok, r.retryable ?? null, r.noop ?? false])).toEqual([
      ['ok', true, null, false],
      ['old', true, null, true],
      ['gone', true, null, true],
      ['busy', false, true, false],
      ['bad', false, false, false],
      ['blocked', false, true, false],
      ['lost', false, true, false],
    ]);
    expect(results[4].error).toBe('mapper_parsing_exception: failed to parse field [size] (number_format_exception: For input string)');
  });
});

describe('mapping', () => {
  it('gives each model and size its own vector field', () => {
    expect(vectorField('amazon.titan-embed-image-v1', 1024)).toBe('vector_amazon_titan_embed_image_v1_1024');
    expect(vectorField('amazon.titan-embed-image-v1', 256)).not.toBe(vectorField('amazon.titan-embed-image-v1', 1024));
    const source = toSource({
      id: 'x',
      path: 'a.png',
      name: 'a.png',
      size: 1,
      mtime: '2024-01-01T00:00:00.000Z',
      sha256: 's',
      mime: 'image/png',
      kind: 'image',
      pages: 1,
      text: '',
      ocrPages: [],
      status: 'indexed',
      language: 'other',
      indexedAt: '2024-01-01T00:00:00.000Z',
      vector: { modelId: 'amazon.titan-embed-image-v1', values: Float32Array.from([0.1, 0.25]) },
    });
    expect(source).not.toHaveProperty('id');
    expect(source).not.toHaveProperty('vector');
    expect(source).toMatchObject({ vectorModel: 'amazon.titan-embed-image-v1', vector_amazon_titan_embed_image_v1_2: [0.1, 0.25] });
  });
});
