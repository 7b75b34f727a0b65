import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExtractorRegistry } from './extract/registry';
import { RetryableError, UnreadableFileError } from '../core/errors';
import { sha256File } from '../core/ids';
import { Pipeline, type PipelineOptions } from './pipeline';
import type { DetectedType, Extractor, ImageEmbedder, OcrService } from '../core/types';

const noOcr: OcrService = {
  recognize: async () => {
    throw new Error('OCR not expected');
  },
  close: async () => {},
};

const byExtension = async (_path: string, name: string): Promise<DetectedType> =>
  name.endsWith('.txt')
    ? { mime: 'text/plain', kind: 'text' }
    : name.endsWith('.png')
      ? { mime: 'image/png', kind: 'image' }
      : { mime: 'application/vnd.fujixerox.docuworks', kind: 'other' };

function extractor(impl: Extractor['extract'], mimeTypes = ['text/plain']): Extractor {
  return { name: 'fake', mimeTypes, extract: impl };
}

describe('Pipeline', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cis-pipeline-'));
    writeFileSync(join(dir, 'a.txt'), 'hello');
    writeFileSync(join(dir, 'pic.png'), 'not really a png');
    writeFileSync(join(dir, 'doc.xdw'), 'xdw bytes');
    writeFileSync(join(dir, 'empty.txt'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const job = (name: string, size: number, extra = {}) => ({
    entry: { relPath: `sub/${name}`, size, mtimeMs: Date.UTC(2026, 0, 2) },
    file: { path: join(dir, name), size, release: async () => {} },
    id: `id-${name}`,
    ...extra,
  });

  const make = (extractors: Extractor[], over: Partial<PipelineOptions> = {}) =>
    new Pipeline({
      registry: new ExtractorRegistry(extractors),
      ocr: noOcr,
      detect: byExtension,
      limits: { maxPixels: 1e8, maxFileBytes: 1024, maxPages: 100 },
      ...over,
    });

  it('extracts, hashes and times a file', async () => {
    const p = make([extractor(async () => ({ text: 'hello', pages: 1, ocrPages: [], ocrMs: 0 }))]);
    const r = await p.process(job('a.txt', 5));
    expect(r.status).toBe('indexed');
    expect(r.doc).toMatchObject({
      id: 'id-a.txt',
      path: 'sub/a.txt',
      name: 'a.txt',
      size: 5,
      mtime: '2026-01-02T00:00:00.000Z',
      sha256: await sha256File(join(dir, 'a.txt')),
      mime: 'text/plain',
      kind: 'text',
      text: 'hello',
      pages: 1,
      status: 'indexed',
    });
    expect(Object.keys(r.timings).sort()).toEqual(['detect', 'extract', 'hash', 'ocr']);
  });

  it('stores the fields the extractor read and the language of the text', async () => {
    const text = '本契約は、甲と乙の間における業務委託の条件を定めるものである。';
    const p = make([extractor(async () => ({ text, pages: 1, ocrPages: [], fields: { title: '業務委託契約書' } }))]);
    expect((await p.process(job('a.txt', 5))).doc).toMatchObject({ language: 'ja', fields: { title: '業務委託契約書' } });
    const none = make([extractor(async () => ({ text: 'hello', pages: 1, ocrPages: [], fields: {} }))]);
    const doc = (await none.process(job('a.txt', 5))).doc!;
    expect(doc.language).toBe('other');
    expect(doc).not.toHaveProperty('fields');
  });

  it('skips unchanged content and redoes it when forced', async () => {
    let calls = 0;
    const p = make([extractor(async () => (calls++, { text: 'hello', pages: 1, ocrPages: [] }))]);
    const sha256 = await sha256File(join(dir, 'a.txt'));
    const known = { id: 'id-a.txt', sha256, size: 5, status: 'indexed' as const };
    expect((await p.process(job('a.txt', 5, { known }))).status).toBe('skipped');
    expect(calls).toBe(0);
    expect((await p.process(job('a.txt', 5, { known: { ...known, sha256: 'other' } }))).status).toBe('indexed');
    expect((await p.process(job('a.txt', 5, { known, force: true }))).status).toBe('indexed');
    expect(calls).toBe(2);
  });

  it('records what a partial extraction left out', async () => {
    const p = make([extractor(async () => ({ text: 'p1', pages: 3, ocrPages: [], notes: ['pages 2–3 not extracted: over the limit of 1 pages'] }))]);
    const r = await p.process(job('a.txt', 5));
    expect(r.status).toBe('indexed');
    expect(r.doc).toMatchObject({ pages: 3, reason: 'pages 2–3 not extracted: over the limit of 1 pages' });
  });

  it('stores files nobody can read by metadata, with the reason', async () => {
    const r = await make([]).process(job('doc.xdw', 9));
    expect(r.status).toBe('metadata_only');
    expect(r.doc?.reason).toBe('no text reader for application/vnd.fujixerox.docuworks');
    expect(r.doc?.text).toBe('');
  });

  it('records empty, oversized and unreadable files as failed with reasons', async () => {
    const p = make([
      extractor(async () => {
        throw new UnreadableFileError('PDF is password-protected');
      }),
    ]);
    expect((await p.process(job('empty.txt', 0))).reason).toBe('empty file (0 bytes)');
    const big = await p.process(job('a.txt', 5 * 1024 * 1024));
    expect(big).toMatchObject({ status: 'failed', reason: 'file is 5 MiB, over the 1 KiB size cap' });
    const locked = await p.process(job('a.txt', 5));
    expect(locked.status).toBe('failed');
    expect(locked.doc).toMatchObject({ status: 'failed', reason: 'PDF is password-protected', mime: 'text/plain' });
  });

  it('turns an extractor crash into a failed document naming the extractor', async () => {
    const p = make([
      extractor(async () => {
        throw new TypeError('cannot read properties of undefined');
      }),
    ]);
    const r = await p.process(job('a.txt', 5));
    expect(r).toMatchObject({ status: 'failed', reason: 'fake extractor failed: cannot read properties of undefined' });
  });

  it('lets failures a retry might fix propagate', async () => {
    const p = make([
      extractor(async () => {
        throw new RetryableError('OCR pool restarting');
      }),
    ]);
    await expect(p.process(job('a.txt', 5))).rejects.toThrow(RetryableError);
  });

  it('embeds images with the model id, and keeps the text when embedding fails', async () => {
    const image = new Uint8Array([1, 2, 3]);
    const imageExtractor = extractor(async () => ({ text: 'caption', pages: 1, ocrPages: [1], image }), ['image/png']);
    const embedder: ImageEmbedder = { modelId: 'test-model', dimensions: 2, embed: async () => Float32Array.from([0.6, 0.8]) };
    const ok = await make([imageExtractor], { embedder }).process(job('pic.png', 16));
    expect(ok.doc?.vector?.modelId).toBe('test-model');
    expect(Array.from(ok.doc!.vector!.values)).toEqual([Float32Array.from([0.6])[0], Float32Array.from([0.8])[0]]);
    expect(ok.ocrPages).toBe(1);
    expect(ok.timings.embed).toBeGreaterThanOrEqual(0);

    const broken: ImageEmbedder = { ...embedder, embed: async () => Promise.reject(new Error('image too large')) };
    const r = await make([imageExtractor], { embedder: broken }).process(job('pic.png', 16));
    expect(r.status).toBe('indexed');
    expect(r.doc).toMatchObject({ text: 'caption', reason: 'image embedding failed: image too large' });
    expect(r.doc?.vector).toBeUndefined();
  });
});
