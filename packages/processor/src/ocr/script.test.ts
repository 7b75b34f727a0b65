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
    for (const [top, bottom] of bands) grey.fill(0, top * width + 40, bottom * width - 40);
    return { grey, width, height };
  }

  it('stacks a few text lines from across the page, skipping rules and pictures', () => {
    const lines: Array<[number, number]> = Array.from({ length: 12 }, (_, i) => [100 + i * 60, 120 + i * 60]);
    const rule: [number, number] = [50, 52];
    const picture: [number, number] = [850, 990];
    const strip = probeStrip(page([rule, ...lines, picture]), { lines: 3, minInkShare: 0.01 })!;
    // Three lines of 20 rows, 4 rows of padding each side, 16 rows of white around each.
    expect(strip.height).toBe(3 * (20 + 8) + 4 * 16);
    expect(strip.width).toBe(width);
    const dark = (row: number) => strip.grey[row * width + width / 2]! < 128;
    const darkRows = Array.from({ length: strip.height }, (_, r) => r).filter(dark);
    expect(darkRows).toHaveLength(60);
  });

  it('gives nothing for a blank page', () => {
    expect(probeStrip(page([]), { lines: 3, minInkShare: 0.01 })).toBeUndefined();
  });
});
