/**
 * A cheap look at a page before OCR: does it hold anything shaped like print? Tesseract spends
 * 1-2 s on a photo of a landscape to read nothing; this check costs a few milliseconds.
 *
 * The page is cut into square tiles. A tile looks like print when it has strong contrast and its
 * minority tone (ink on paper, or light text on a dark ground) forms thin strokes: print is made of
 * strokes a few pixels wide, so the tone changes often along rows and columns compared with how
 * many pixels it covers. Photos fail on contrast (smooth gradients, sky, foliage) or on stroke width
 * (large shapes, windows, petals). A page with too few such tiles is not OCR'd.
 */
export interface TextLikeness {
  /** Tiles that look like print. */
  textTiles: number;
  /** Of those, tiles next to another one (left, right, above, below): print comes in lines. */
  linkedTiles: number;
  tiles: number;
}

export interface TextLikenessOptions {
  tile: number;
  /** Grey levels between the tile's dark and light tones (2nd and 98th percentile). */
  minContrast: number;
  /** Share of the tile in its minority tone. */
  minInk: number;
  /** Tone changes per minority pixel (about 2 / stroke width). */
  minStrokeRate: number;
  /** Tiles in lines a page needs, at its best scale, to be OCR'd. */
  minLinkedTiles: number;
}

// Measured on the bench corpus (at the OCR resolution): every scan page had 230 or more tiles in
// lines, the generated landscapes, still lifes, gardens and shapes 0, city scenes at night about
// 100 (lit windows are small bright strokes: those photos are still OCR'd). A single 8 pt word
// ("Page 3" at 200 dpi) gives 3; headings up to 48 pt pass at the halved or quartered scale.
export const TEXT_LIKENESS: TextLikenessOptions = { tile: 32, minContrast: 96, minInk: 0.03, minStrokeRate: 0.75, minLinkedTiles: 3 };

/** False when the page has nothing shaped like print, so OCR would read nothing from it. */
export function mayHoldPrint(page: { grey: Uint8Array; width: number; height: number }, opts: TextLikenessOptions = TEXT_LIKENESS): boolean {
  // Stops at the first lines of print found: a page of text costs a few tiles' rows, not the page.
  return textLikeness(page, opts, opts.minLinkedTiles).linkedTiles >= opts.minLinkedTiles;
}

/** One scale: tiles of `opts.tile` pixels over the page as given; counting stops once `stopAt` tiles are in lines. */
export function tileTextLikeness(page: { grey: Uint8Array; width: number; height: number }, opts: TextLikenessOptions = TEXT_LIKENESS, stopAt = Infinity): TextLikeness {
  const { grey, width, height } = page;
  const t = opts.tile;
  const hist = new Uint32Array(256);
  const cols = Math.floor(width / t);
  const rows = Math.floor(height / t);
  // 1: looks like print; 2: and has such a neighbour.
  const isText = new Uint8Array(cols * rows);
  let textTiles = 0;
  let linkedTiles = 0;
  const link = (i: number) => {
    if (isText[i] === 1) {
      isText[i] = 2;
      linkedTiles += 1;
    }
  };
  for (let ty = 0; ty < rows; ty++) {
    for (let tx = 0; tx < cols; tx++) {
      const x0 = tx * t;
      const y0 = ty * t;
      hist.fill(0);
      for (let y = y0; y < y0 + t; y++) {
        const row = y * width;
        for (let x = x0; x < x0 + t; x++) hist[grey[row + x]!]! += 1;
      }
      const n = t * t;
      const lo = percentile(hist, n * 0.02);
      const hi = percentile(hist, n * 0.98);
      if (hi - lo < opts.minContrast) continue;
      const cut = (lo + hi) >> 1;
      let dark = 0;
      let changes = 0;
      for (let y = y0; y < y0 + t; y++) {
        const row = y * width;
        for (let x = x0; x < x0 + t; x++) {
          const v = grey[row + x]! < cut;
          if (v) dark += 1;
          if (x > x0 && v !== grey[row + x - 1]! < cut) changes += 1;
          if (y > y0 && v !== grey[row - width + x]! < cut) changes += 1;
        }
      }
      const minority = Math.min(dark, n - dark);
      if (minority < n * opts.minInk) continue;
      if (changes / minority >= opts.minStrokeRate) {
        const i = ty * cols + tx;
        isText[i] = 1;
        textTiles += 1;
        // Tiles are visited row by row: the left and upper neighbours are already known.
        if (tx > 0 && isText[i - 1]) {
          link(i - 1);
          link(i);
        }
        if (ty > 0 && isText[i - cols]) {
          link(i - cols);
          link(i);
        }
        if (linkedTiles >= stopAt) return { textTiles, linkedTiles, tiles: cols * rows };
      }
    }
  }
  return { textTiles, linkedTiles, tiles: cols * rows };
}

function percentile(hist: Uint32Array, rank: number): number {
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v]!;
    if (seen > rank) return v;
  }
  return 255;
}

/** The page is also looked at halved and quartered: the tile test only sees strokes a few pixels wide, and headings are wider. */
const SCALES = 3;

/** The best of the page's scales (by tiles in lines). */
export function textLikeness(page: { grey: Uint8Array; width: number; height: number }, opts: TextLikenessOptions = TEXT_LIKENESS, stopAt = Infinity): TextLikeness {
  let best = tileTextLikeness(page, opts, stopAt);
  let current = page;
  for (let s = 1; s < SCALES && best.linkedTiles < stopAt && current.width >= opts.tile * 2 && current.height >= opts.tile * 2; s++) {
    current = halve(current);
    const r = tileTextLikeness(current, opts, stopAt);
    if (r.linkedTiles > best.linkedTiles) best = r;
  }
  return best;
}

/** Half the size, each pixel the mean of a 2×2 block. */
function halve(page: { grey: Uint8Array; width: number; height: number }): { grey: Uint8Array; width: number; height: number } {
  const width = page.width >> 1;
  const height = page.height >> 1;
  const grey = new Uint8Array(width * height);
  const src = page.grey;
  const w = page.width;
  for (let y = 0; y < height; y++) {
    const a = 2 * y * w;
    const b = a + w;
    for (let x = 0; x < width; x++) {
      const i = 2 * x;
      grey[y * width + x] = (src[a + i]! + src[a + i + 1]! + src[b + i]! + src[b + i + 1]! + 2) >> 2;
    }
  }
  return { grey, width, height };
}
