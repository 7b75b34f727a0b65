import sharp from 'sharp';
import { renderLines } from '../../../test/support/ocr-pages';
import { scene } from '../../../test/support/image-fixtures';
import { mayHoldPrint, textLikeness } from './text-likeness';

async function grey(image: Buffer) {
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { grey: new Uint8Array(data), width: info.width, height: info.height };
}

/** The line alone on a white A4 page at 200 dpi. */
async function onPage(image: Buffer) {
  const line = await grey(image);
  const width = 1654;
  const page = { grey: new Uint8Array(width * 2339).fill(255), width, height: 2339 };
  for (let y = 0; y < line.height; y++) page.grey.set(line.grey.subarray(y * line.width, (y + 1) * line.width), (300 + y) * width + 200);
  return page;
}

describe('mayHoldPrint', () => {
  it('says no for photographs and blank pages', async () => {
    for (const seed of [1, 2, 3, 4]) expect(mayHoldPrint(await grey(await scene(seed)))).toBe(false);
    const blank = { grey: new Uint8Array(1600 * 1200).fill(245), width: 1600, height: 1200 };
    expect(mayHoldPrint(blank)).toBe(false);
  });

  it('says yes for lines of print, Japanese and English, body text and headings', async () => {
    const pages = [
      renderLines([{ text: 'Invoice number 4711 payable in thirty days', font: 'sans', px: 28 }]),
      renderLines([{ text: '下記の通りお見積り申し上げます。', font: 'mincho', px: 30 }]),
      // 48 pt at 200 dpi: strokes far wider than the tile test sees at full size.
      renderLines([{ text: '御見積書', font: 'gothic', px: 133 }], { width: 1200 }),
      renderLines([{ text: 'QUOTATION', font: 'sans', px: 133 }], { width: 1400 }),
    ];
    for (const page of pages) expect(mayHoldPrint(await onPage(page))).toBe(true);
  });

  it('finds a short line on an otherwise empty page', async () => {
    const page = await onPage(renderLines([{ text: 'Page 3', font: 'sans', px: 28 }]));
    expect(textLikeness(page).linkedTiles).toBeGreaterThanOrEqual(3);
    expect(mayHoldPrint(page)).toBe(true);
  });
});
