import sharp from 'sharp';
import { BadImageError, toGreyPage, toPgm } from './preprocess';

const limits = { targetDpi: 200, maxInputPixels: 5_000_000, maxOcrPixels: 1_000_000 };

function rawImage(width: number, height: number, channels: 1 | 3 | 4, value = 200) {
  return { kind: 'raw' as const, data: new Uint8Array(width * height * channels).fill(value), width, height, channels };
}

describe('toGreyPage', () => {
  it('turns colour pixels with alpha into one grey byte per pixel', async () => {
    const page = await toGreyPage(rawImage(40, 30, 4), undefined, limits);
    expect([page.width, page.height, page.grey.byteLength, page.dpi]).toEqual([40, 30, 1200, undefined]);
  });

  it('hands grey pixels at the right size over as they are', async () => {
    const image = rawImage(40, 30, 1);
    const page = await toGreyPage(image, 150, limits);
    expect(page.grey).toBe(image.data);
    expect(page.dpi).toBe(150);
  });

  it('scales scans denser than the target down to it, and leaves nearly-right ones alone', async () => {
    const dense = await toGreyPage(rawImage(800, 600, 3), 400, limits);
    expect([dense.width, dense.height, dense.dpi]).toEqual([400, 300, 200]);
    const close = await toGreyPage(rawImage(800, 600, 1), 210, limits);
    expect([close.width, close.dpi]).toEqual([800, 210]);
  });

  it('takes the resolution from the file when there is no hint, ignoring the meaningless 72', async () => {
    const at600 = await sharp({ create: { width: 600, height: 300, channels: 3, background: '#fff' } })
      .withMetadata({ density: 600 })
      .png()
      .toBuffer();
    expect((await toGreyPage({ kind: 'encoded', data: at600 }, undefined, limits)).width).toBe(200);
    const at72 = await sharp(at600).withMetadata({ density: 72 }).jpeg().toBuffer();
    const page = await toGreyPage({ kind: 'encoded', data: at72 }, undefined, limits);
    expect([page.width, page.dpi]).toEqual([600, undefined]);
  });

  it('caps the pixels handed to OCR', async () => {
    const page = await toGreyPage(rawImage(2000, 2000, 1), undefined, limits);
    expect(page.width * page.height).toBeLessThanOrEqual(1_000_000);
    expect(page.width).toBe(1000);
  });

  it('applies the EXIF orientation of photos', async () => {
    const jpeg = await sharp({ create: { width: 60, height: 20, channels: 3, background: '#fff' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const page = await toGreyPage({ kind: 'encoded', data: jpeg }, undefined, limits);
    expect([page.width, page.height]).toEqual([20, 60]);
  });

  it('explains why an image cannot be used', async () => {
    const cases: Array<[Parameters<typeof toGreyPage>[0], RegExp]> = [
      [{ kind: 'encoded', data: new Uint8Array(0) }, /empty/],
      [{ kind: 'encoded', data: Buffer.from('not an image') }, /cannot decode image: .*unsupported image format/],
      [rawImage(3000, 2000, 1), /3000x2000 = 6000000 pixels, over the limit of 5000000/],
      [{ ...rawImage(10, 10, 3), data: new Uint8Array(5) }, /5 bytes, expected 10x10x3 = 300/],
      [{ ...rawImage(10, 10, 3), width: 0 }, /invalid size 0x10/],
    ];
    for (const [image, reason] of cases) {
      const err = await toGreyPage(image, undefined, limits).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadImageError);
      expect((err as Error).message).toMatch(reason);
    }
  });
});

describe('toPgm', () => {
  it('writes a binary greymap header followed by the pixels', () => {
    const pgm = toPgm({ grey: new Uint8Array([0, 128, 255, 7]), width: 2, height: 2 });
    expect(Buffer.from(pgm).toString('latin1')).toBe('P5\n2 2\n255\n\u0000\u0080\u00ff\u0007');
  });
});
