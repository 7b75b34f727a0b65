import { fileId } from './ids';

describe('fileId', () => {
  it('is stable across separators and unicode normal forms', () => {
    const nfd = '見積書/が.pdf'.normalize('NFD');
    expect(fileId('見積書/が.pdf')).toBe(fileId(nfd));
    expect(fileId('a\\b.pdf')).toBe(fileId('a/b.pdf'));
    expect(fileId('a/b.pdf')).not.toBe(fileId('a/c.pdf'));
    expect(fileId('a/b.pdf')).toMatch(/^[0-9a-f]{32}$/);
  });
});
