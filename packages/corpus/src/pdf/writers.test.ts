import { PDFDocument } from 'pdf-lib';
import * as r from '../recipes';

const ascii = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('PDF writers', () => {
  it('born-digital Japanese PDF can reference a CID font that is not embedded', async () => {
    const { data, entry } = await r.bornDigitalPdf('nb', 'ja', 'invoice', 'cjk-not-embedded');
    const s = ascii(data);
    expect(s).toContain('/Subtype /Type0');
    expect(s).toContain('/Encoding /UniJIS-UCS2-H');
    expect(s).toContain('/Subtype /CIDFontType0');
    expect(s).toMatch(/\/Registry \(Adobe\)\s*\/Ordering \(Japan1\)/);
    expect(s).not.toMatch(/\/FontFile/);
    expect(s).not.toContain('/ToUnicode');
    expect(entry.textLayerPages).toEqual([1]);
    expect((await PDFDocument.load(data)).getPageCount()).toBe(1);
  });

  it('born-digital Japanese PDF can embed a font subset', async () => {
    const { data } = await r.bornDigitalPdf('sub', 'ja', 'contract', 'cjk-embedded-subset');
    const s = ascii(data);
    expect(s).toMatch(/\/FontFile2/);
    expect(s).toMatch(/\/BaseFont \/IPAMincho/);
    expect(s).toContain('/ToUnicode');
    // A subset of the 6 MB IPA font, not the whole font.
    expect(data.length).toBeLessThan(400 * 1024);
  });

  it('scanned PDF pages are JPEG images only, with their ground truth in the manifest', async () => {
    const { data, entry } = await r.scannedPdf('scan', 'en', ['invoice'], 60);
    const s = ascii(data);
    expect(s).toContain('/Filter /DCTDecode');
    expect(s).not.toContain('/Type /Font');
    expect(entry.ocrPages).toHaveLength(1);
    expect(entry.ocrPages[0]!.text).toContain('INVOICE');
    expect(entry.expectedWords.length).toBeGreaterThan(2);
  }, 20_000);

  it('hybrid PDF has text pages first and a scanned page after', async () => {
    const { data, entry } = await r.hybridPdf('hy', 'en', 'letter', 'invoice');
    expect(entry.textLayerPages).toEqual([1]);
    expect(entry.ocrPages.map((p) => p.page)).toEqual([2]);
    expect((await PDFDocument.load(data)).getPageCount()).toBe(2);
  }, 20_000);
});
