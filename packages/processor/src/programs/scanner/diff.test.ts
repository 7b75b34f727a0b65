import { classify } from './diff';

describe('classify', () => {
  const s3Row = { key: 'a.pdf', etag: 'e1', size: 10, lastModifiedMs: 1000 };

  it('calls a key the manifest does not hold new', () => {
    expect(classify({ key: 'a.pdf', size: 10, mtimeMs: 1000, etag: 'e1' }, undefined)).toBe('new');
  });

  it('S3: the same ETag and size is unchanged, whatever LastModified says', () => {
    expect(classify({ key: 'a.pdf', size: 10, mtimeMs: 9999, etag: 'e1' }, s3Row)).toBe('unchanged');
  });

  it('S3: another ETag or another size is changed', () => {
    expect(classify({ key: 'a.pdf', size: 10, mtimeMs: 1000, etag: 'e2' }, s3Row)).toBe('changed');
    expect(classify({ key: 'a.pdf', size: 11, mtimeMs: 1000, etag: 'e1' }, s3Row)).toBe('changed');
  });

  it('local: compares size and mtime with the file as it was uploaded, not the object ETag', () => {
    const row = { key: 'p/a.pdf', etag: 'abc-2', size: 10, lastModifiedMs: 5000, sourceMtimeMs: 1000 };
    expect(classify({ key: 'p/a.pdf', size: 10, mtimeMs: 1000, path: '/x/a.pdf' }, row)).toBe('unchanged');
    expect(classify({ key: 'p/a.pdf', size: 10, mtimeMs: 1001, path: '/x/a.pdf' }, row)).toBe('changed');
    expect(classify({ key: 'p/a.pdf', size: 9, mtimeMs: 1000, path: '/x/a.pdf' }, row)).toBe('changed');
  });

  it('local: a row written by an S3-mode scan (no source mtime) counts as changed', () => {
    expect(classify({ key: 'a.pdf', size: 10, mtimeMs: 1000, path: '/x/a.pdf' }, s3Row)).toBe('changed');
  });
});
