import sharp from 'sharp';
import { UnreadableFileError, errorMessage } from '../../core/errors';
import type { ImageEmbedder } from '../../core/types';

/**
 * An image descriptor computed locally with sharp, for near-duplicate search without any model
 * weights (none ship on npm and nothing may be downloaded). It finds the same picture again
 * after resizing, re-encoding, mild crops and brightness changes; it knows nothing of what
 * the picture shows. Changing the recipe below changes the vector space: bump the version.
 *
 * Three blocks, each made unit-length and then weighted:
 * - layout: low-frequency 2-D DCT of the luminance on a 32×32 thumbnail, without the DC term.
 *   Dropping DC removes brightness offsets, the unit length removes contrast gain, and low
 *   frequencies ignore resampling and JPEG noise.
 * - colour layout: the lowest DCT terms (incl. DC) of two opponent-colour planes (B−Y, R−Y).
 * - colour histogram: hue (12 soft bins) × saturation (3 levels) plus one bin for greys,
 *   square-rooted (Hellinger); hue and saturation do not move with brightness.
 */
export const LOCAL_IMAGE_MODEL_ID = 'cis-local-colordct-v1';

const GRID = 32;
/** Luma DCT terms kept: 1 ≤ u+v ≤ LUMA_BAND (35 terms). */
const LUMA_BAND = 7;
/** Chroma DCT terms kept per plane: u+v ≤ CHROMA_BAND (6 terms). */
const CHROMA_BAND = 2;
const HUE_BINS = 12;
const SAT_LEVELS = 3;
/** Below this saturation a pixel's hue is noise: it counts as grey. */
const GREY_SATURATION = 0.15;
/**
 * A nearly grey picture has tiny chroma terms; dividing by their own length would blow noise
 * up to full weight. Lengths under this (about a mean colour cast of 8/255) are not scaled up.
 */
const CHROMA_NORM_FLOOR = GRID * 8;
/** Squared weights of the blocks in the cosine: layout, colour layout, colour histogram. */
const WEIGHTS = { luma: 0.5, chroma: 0.2, histogram: 0.3 };
/** Refuse decoding pictures above this many pixels (decompression bombs). */
const MAX_INPUT_PIXELS = 268_402_689;

const LUMA_TERMS = bandTerms(LUMA_BAND, 1);
const CHROMA_TERMS = bandTerms(CHROMA_BAND, 0);
const HISTOGRAM_BINS = HUE_BINS * SAT_LEVELS + 1;
const DIMENSIONS = LUMA_TERMS.length + 2 * CHROMA_TERMS.length + HISTOGRAM_BINS;
/** cos((2x+1)uπ / 2N) for the orthonormal DCT-II, computed once. */
const COSINES = dctCosines(GRID);

export const localImageEmbedder: ImageEmbedder = {
  modelId: LOCAL_IMAGE_MODEL_ID,
  dimensions: DIMENSIONS,
  async embed(image: Uint8Array, signal?: AbortSignal): Promise<Float32Array> {
    signal?.throwIfAborted();
    const rgb = await thumbnail(image);
    signal?.throwIfAborted();
    return descriptor(rgb);
  },
};

/** The picture as GRID×GRID sRGB pixels, upright, transparency over white. */
async function thumbnail(image: Uint8Array): Promise<Buffer> {
  try {
    const { data, info } = await sharp(image, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .resize(GRID, GRID, { fit: 'fill' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== GRID * GRID * 3) throw new Error(`unexpected ${info.channels} channels`);
    return data;
  } catch (err) {
    throw new UnreadableFileError(`image cannot be decoded for embedding: ${errorMessage(err)}`, { cause: err });
  }
}

function descriptor(rgb: Buffer): Float32Array {
  const n = GRID * GRID;
  const luma = new Float64Array(n);
  const blueDiff = new Float64Array(n);
  const redDiff = new Float64Array(n);
  const histogram = new Float64Array(HISTOGRAM_BINS);
  for (let i = 0; i < n; i++) {
    const r = rgb[3 * i];
    const g = rgb[3 * i + 1];
    const b = rgb[3 * i + 2];
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    luma[i] = y;
    blueDiff[i] = b - y;
    redDiff[i] = r - y;
    addToHistogram(histogram, r, g, b);
  }
  const lumaDct = dct2(luma);
  const lumaBlock = unit(LUMA_TERMS.map(([u, v]) => lumaDct[u * GRID + v]));
  const blueDct = dct2(blueDiff);
  const redDct = dct2(redDiff);
  const chroma = [...CHROMA_TERMS.map(([u, v]) => blueDct[u * GRID + v]), ...CHROMA_TERMS.map(([u, v]) => redDct[u * GRID + v])];
  const chromaBlock = unit(chroma, CHROMA_NORM_FLOOR);
  const histogramBlock = unit(Array.from(histogram, Math.sqrt));

  const weighted = [
    ...lumaBlock.map((x) => x * Math.sqrt(WEIGHTS.luma)),
    ...chromaBlock.map((x) => x * Math.sqrt(WEIGHTS.chroma)),
    ...histogramBlock.map((x) => x * Math.sqrt(WEIGHTS.histogram)),
  ];
  return Float32Array.from(unit(weighted));
}

/** Soft-assigns one pixel to the two nearest hue bins of its saturation level, or to the grey bin. */
function addToHistogram(histogram: Float64Array, r: number, g: number, b: number): void {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const saturation = max === 0 ? 0 : (max - min) / max;
  if (saturation < GREY_SATURATION) {
    histogram[HISTOGRAM_BINS - 1] += 1;
    return;
  }
  const level = Math.min(SAT_LEVELS - 1, Math.floor(((saturation - GREY_SATURATION) / (1 - GREY_SATURATION)) * SAT_LEVELS));
  const hue = hueOf(r, g, b, max, max - min); // 0..6
  const position = (hue / 6) * HUE_BINS - 0.5;
  const lower = Math.floor(position);
  const upperShare = position - lower;
  const bin = (k: number) => level * HUE_BINS + ((k % HUE_BINS) + HUE_BINS) % HUE_BINS;
  histogram[bin(lower)] += 1 - upperShare;
  histogram[bin(lower + 1)] += upperShare;
}

/** HSV hue in sextants, 0 ≤ hue < 6. */
function hueOf(r: number, g: number, b: number, max: number, chroma: number): number {
  if (max === r) return (((g - b) / chroma) % 6 + 6) % 6;
  if (max === g) return (b - r) / chroma + 2;
  return (r - g) / chroma + 4;
}

/** (u, v) pairs with minSum ≤ u+v ≤ band, in zig-zag order. */
function bandTerms(band: number, minSum: number): Array<[number, number]> {
  const terms: Array<[number, number]> = [];
  for (let s = minSum; s <= band; s++) for (let u = 0; u <= s; u++) terms.push([u, s - u]);
  return terms;
}

function dctCosines(size: number): Float64Array {
  const table = new Float64Array(size * size);
  for (let u = 0; u < size; u++) {
    const scale = Math.sqrt((u === 0 ? 1 : 2) / size);
    for (let x = 0; x < size; x++) table[u * size + x] = scale * Math.cos(((2 * x + 1) * u * Math.PI) / (2 * size));
  }
  return table;
}

/** Orthonormal 2-D DCT-II of a GRID×GRID plane, rows then columns; only low rows are needed but the grid is tiny. */
function dct2(plane: Float64Array): Float64Array {
  const rows = new Float64Array(GRID * GRID);
  for (let y = 0; y < GRID; y++) {
    for (let v = 0; v < GRID; v++) {
      let sum = 0;
      for (let x = 0; x < GRID; x++) sum += plane[y * GRID + x] * COSINES[v * GRID + x];
      rows[y * GRID + v] = sum;
    }
  }
  const out = new Float64Array(GRID * GRID);
  for (let v = 0; v < GRID; v++) {
    for (let u = 0; u < GRID; u++) {
      let sum = 0;
      for (let y = 0; y < GRID; y++) sum += rows[y * GRID + v] * COSINES[u * GRID + y];
      out[u * GRID + v] = sum;
    }
  }
  return out;
}

/** Scales to unit length, without scaling up vectors shorter than `floor`; a zero vector stays zero. */
function unit(values: readonly number[], floor = 0): number[] {
  const norm = Math.sqrt(values.reduce((sum, x) => sum + x * x, 0));
  const scale = norm > 0 ? 1 / Math.max(norm, floor) : 0;
  return values.map((x) => x * scale);
}

/** Cosine similarity of two vectors of the same model (both are unit length, so a dot product). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
}
