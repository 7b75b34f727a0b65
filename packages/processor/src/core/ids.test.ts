import { fileId, legacyFileId } from './ids';

describe('fileId', () => {
  it('gives two different paths two ids, whatever their normal form or separators', () => {
    const nfc = 'ガイド/が.txt';
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const ids = [nfc, nfd, 'x\\y.txt', 'x/y.txt', '/x/y.txt'].map(fileId);
    expect(new Set(ids).size).toBe(5);
    expect(fileId('a/b.pdf')).not.toBe(fileId('a/c.pdf'));
    expect(fileId('a/b.pdf')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is stable across versions: ids already stored must keep matching their files', () => {
    expect(fileId('a/b.pdf')).toBe('e06332908d7e55f070620defd247c35a');
  });

  it('keeps the ids of earlier versions for NFC paths without backslashes or a leading slash', () => {
    for (const path of ['a/b.pdf', '経理/2024/請求書.pdf', 'photo 1.jpg']) expect(fileId(path)).toBe(legacyFileId(path));
    for (const path of ['ガイド.txt'.normalize('NFD'), 'x\\y.txt', '/x/y.txt']) expect(fileId(path)).not.toBe(legacyFileId(path));
  });
});
