import Encoding from 'encoding-japanese';
import { decodeText, detectEncoding, encodingFromLabel, looksLikeText } from './encoding';

const SAMPLE = '御見積書 No.123 株式会社テスト ①㈱ ﾊﾝｶｸｶﾅ - Quotation for 10 units\n';
const encode = (text: string, to: Encoding.Encoding) =>
  Uint8Array.from(Encoding.convert(Encoding.stringToCode(text), { to, from: 'UNICODE' }));

describe('detectEncoding and decodeText', () => {
  it.each([
    ['UTF8', 'utf-8'],
    ['SJIS', 'shift_jis'],
    ['EUCJP', 'euc-jp'],
    ['JIS', 'iso-2022-jp'],
  ] as const)('recognises %s and decodes it back to the same text', (source, label) => {
    const bytes = encode(SAMPLE, source);
    expect(detectEncoding(bytes)).toBe(label);
    expect(decodeText(bytes).text).toBe(SAMPLE);
  });

  it('decodes UTF-16 with a BOM in either byte order, and little-endian without one', () => {
    const le = Buffer.from(SAMPLE, 'utf16le');
    const be = Buffer.from(le).swap16();
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))).toEqual({ text: SAMPLE, encoding: 'utf-16le' });
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual({ text: SAMPLE, encoding: 'utf-16be' });
    const ascii = Buffer.from('Name,Amount\r\nTanaka,1200\r\n', 'utf16le');
    expect(decodeText(ascii)).toEqual({ text: 'Name,Amount\r\nTanaka,1200\r\n', encoding: 'utf-16le' });
  });

  it('strips a UTF-8 BOM and falls back to Windows-1252 for other 8-bit text', () => {
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('見積')]))).toEqual({ text: '見積', encoding: 'utf-8' });
    expect(decodeText(Buffer.from('Caf\xe9 cr\xe8me br\xfbl\xe9e', 'latin1')).text).toBe('Café crème brûlée');
  });

  it('detects UTF-8 and Shift_JIS cut inside a character (a capped read) and drops only the cut character', () => {
    const utf8 = Buffer.from('請求書 No.1 請求書');
    expect(decodeText(utf8.subarray(0, utf8.length - 1), { truncated: true })).toEqual({ text: '請求書 No.1 請求', encoding: 'utf-8' });
    const sjis = encode('請求書 No.1 請求書', 'SJIS');
    expect(decodeText(sjis.subarray(0, sjis.length - 1), { truncated: true })).toEqual({ text: '請求書 No.1 請求', encoding: 'shift_jis' });
    expect(decodeText(utf8.subarray(0, utf8.length - 1), { encoding: 'utf-8' }).text).toBe('請求書 No.1 請求\uFFFD');
  });

  it('maps declared charset names to decoder labels', () => {
    expect(encodingFromLabel('Shift_JIS')).toBe('shift_jis');
    expect(encodingFromLabel('x-sjis')).toBe('shift_jis');
    expect(encodingFromLabel('EUC-JP')).toBe('euc-jp');
    expect(encodingFromLabel('klingon')).toBeUndefined();
  });
});

describe('looksLikeText', () => {
  it('accepts text in every supported encoding, including ISO-2022-JP escapes', () => {
    for (const enc of ['UTF8', 'SJIS', 'EUCJP', 'JIS'] as const) expect(looksLikeText(encode(SAMPLE, enc))).toBe(true);
    expect(looksLikeText(Buffer.from(SAMPLE, 'utf16le'))).toBe(true);
  });

  it('rejects bytes with NULs or many control characters, and empty input', () => {
    expect(looksLikeText(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]))).toBe(false);
    const smallInts = Buffer.alloc(4096);
    for (let i = 0; i < smallInts.length; i += 2) smallInts.writeUInt16LE(i % 31, i);
    expect(looksLikeText(smallInts)).toBe(false);
    expect(looksLikeText(Buffer.from('abc\x01\x02\x03\x04\x05def'))).toBe(false);
    expect(looksLikeText(Buffer.alloc(0))).toBe(false);
  });
});
