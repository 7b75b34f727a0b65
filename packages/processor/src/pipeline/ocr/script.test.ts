import { cjkRatio, nonSpaceLength, probeStrip } from './script';

describe('cjkRatio', () => {
  it('is the share of Han and kana among non-space characters', () => {
    expect(cjkRatio('御見積書')).toBe(1);
    expect(cjkRatio('Invoice 4711')).toBe(0);
    expect(cjkRatio('合計 100円')).toBeCloseTo(3 / 6);
    expect(cjkRatio('サーバー')).toBe(1);
    expect(cjkRatio('  \n')).toBe(0);
    expect(nonSpaceLength(' a b\nc ')).toBe(3);
  });
});

describe('probeStrip', () => {
  const width = 400;
  const height = 1000;

  function page(bands: Array<[number, number]>) {
    const grey = new Uint8Array(width * height).fill(255);
    // Ink from column 40 to 359 of each band's rows.
    for (const [top, bottom] of bands) for (let y = top; y < bottom; y += 1) grey.fill(0, y * width + 40, y * width + 360);
    return { grey, width, height };
  }

  it('stacks a few text lines from across the page, skipping rules and pictures', () => {
    const lines: Array<[number, number]> = Array.from({ length: 12 }, (_, i) => [100 + i * 60, 120 + i * 60]);
    const rule: [number, number] = [50, 52];
    const picture: [number, number] = [850, 990];
    const strip = probeStrip({ ...page([rule, ...lines, picture]), dpi: 100 }, { lines: 3, minInkShare: 0.01, maxInches: 1 })!;
    // Three lines of 20 rows, 4 rows of padding each side, 16 rows of white around each.
    expect(strip.height).toBe(3 * (20 + 8) + 4 * 16);
    // From 4 columns before the ink starts, one inch at 100 dpi.
    expect(strip.width).toBe(100);
    expect(strip.grey[30 * 100 + 3]).toBe(255);
    expect(strip.grey[30 * 100 + 4]).toBe(0);
    const dark = (row: number) => strip.grey[row * 100 + 50]! < 128;
    const darkRows = Array.from({ length: strip.height }, (_, r) => r).filter(dark);
    expect(darkRows).toHaveLength(60);
  });

  it('gives nothing for a blank page', () => {
    expect(probeStrip(page([]), { lines: 3, minInkShare: 0.01, maxInches: 3 })).toBeUndefined();
  });
});
