import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import * as r from '../recipes';
import { XDW_GENERATION, XDW_GUARD } from './docuworks';
import { pngHeaderSize } from './inputs';

const ascii = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('bad input is what it claims to be', () => {
  it('zero-byte file is empty', () => {
    expect(r.zeroByte().data.length).toBe(0);
  });

  it('truncated PDF is the start of a real PDF, without its cross-reference table and end', async () => {
    const { data } = await r.truncatedPdf('t');
    expect(ascii(data.subarray(0, 5))).toBe('%PDF-');
    expect(ascii(data)).not.toContain('%%EOF');
    expect(ascii(data)).not.toContain('startxref');
    const full = await r.bornDigitalPdf('t', 'en', 'letter', 'standard');
    expect(full.data.subarray(0, data.length).equals(data)).toBe(true);
  });

  it('garbage named .pdf has no known signature', () => {
    const { data } = r.garbagePdf('g');
    expect(data.length).toBe(48 * 1024);
    expect(ascii(data.subarray(0, 5))).not.toBe('%PDF-');
    expect([0x25, 0x89, 0xff, 0x50, 0x00]).not.toContain(data[0]);
  });

  it('encrypted PDF has an /Encrypt dictionary and will not open without the password', async () => {
    const { data } = await r.encryptedPdf('e');
    expect(ascii(data)).toMatch(/\/Encrypt\s+\d+ 0 R/);
    await expect(PDFDocument.load(data)).rejects.toThrow(/encrypted/i);
  });

  it('truncated JPEG starts as a JPEG, lacks its end marker and does not decode', async () => {
    const { data } = await r.truncatedJpeg('j');
    expect([data[0], data[1]]).toEqual([0xff, 0xd8]);
    expect([data[data.length - 2], data[data.length - 1]]).not.toEqual([0xff, 0xd9]);
    await expect(sharp(data).raw().toBuffer()).rejects.toThrow();
  });

  it('huge image is small on disk but its header claims 40000×40000 pixels', async () => {
    const { data } = r.hugeImage();
    expect(data.length).toBeLessThan(512 * 1024);
    expect(pngHeaderSize(data)).toEqual({ width: 40000, height: 40000 });
    const meta = await sharp(data, { limitInputPixels: false }).metadata();
    expect([meta.width, meta.height]).toEqual([40000, 40000]);
  });

  it('a PNG named .pdf is a PNG', async () => {
    const { data, entry } = await r.pngNamedPdf('l');
    expect([...data.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(entry.mime).toBe('image/png');
    expect(entry.expectedOutcome).toBe('indexed');
  }, 20_000);

  it('DocuWorks-like file opens with the header element and ends with a self-describing trailer', () => {
    const { data, entry } = r.docuworks('x', 2);
    expect(data[0]).toBe(0x60);
    const header = data.subarray(2, 2 + data[1]!);
    expect([...header.subarray(0, 3)]).toEqual([0x82, 0x01, XDW_GENERATION]);
    expect(header.includes(XDW_GUARD)).toBe(true);
    expect(data[2 + data[1]!]).toBe(0x61); // the document element follows
    const n = data.length;
    expect([data[n - 6], data[n - 5]]).toEqual([0x86, 0x04]);
    const trailerLen = data.readUInt32LE(n - 4);
    expect(data[n - trailerLen - 2]).toBe(0x68); // trailer tag, one-byte length (short trailer)
    expect(data[n - trailerLen - 1]).toBe(trailerLen);
    expect(entry.expectedOutcome).toBe('metadata_only');
  });
});
