import { GlobalFonts, createCanvas } from '@napi-rs/canvas';
import { requireDebianPackage } from '@cis/corpus';
import sharp from 'sharp';
import type { OcrLang } from '../../src/core/types';
import { ENGLISH_LINES, JAPANESE_LINES, TITLES, fillTemplate, seeded } from './ocr-content';

/** Generated pages with known text, for the OCR tests and benchmark. */

const FONTS = {
  sans: { file: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', family: 'OcrTestSans', pkg: 'fonts-dejavu-core' },
  gothic: { file: '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf', family: 'OcrTestGothic', pkg: 'fonts-ipafont-gothic' },
  mincho: { file: '/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf', family: 'OcrTestMincho', pkg: 'fonts-ipafont-mincho' },
} as const;
export type FontName = keyof typeof FONTS;

let fontsReady = false;

/** Registers the fonts (from Debian packages set-up installs) under names no system font can shadow. */
export function ensureFonts(): void {
  if (fontsReady) return;
  for (const f of Object.values(FONTS)) {
    requireDebianPackage(f.pkg, { file: f.file });
    if (!GlobalFonts.registerFromPath(f.file, f.family)) throw new Error(`cannot load font ${f.file}`);
  }
  fontsReady = true;
}

export interface Line {
  text: string;
  font: FontName;
  /** Glyph size in pixels. */
  px: number;
}

/** Black text on white, one line under the other; PNG bytes. */
export function renderLines(lines: Line[], opts: { width?: number; margin?: number } = {}): Buffer {
  ensureFonts();
  const margin = opts.margin ?? 20;
  const height = lines.reduce((h, l) => h + Math.round(l.px * 1.6), margin * 2);
  const width = opts.width ?? Math.max(...lines.map((l) => Math.ceil(l.text.length * l.px * 1.05))) + margin * 2;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.textBaseline = 'top';
  let y = margin;
  for (const l of lines) {
    ctx.font = `${l.px}px ${FONTS[l.font].family}`;
    ctx.fillText(l.text, margin, y + Math.round(l.px * 0.3));
    y += Math.round(l.px * 1.6);
  }
  return canvas.toBuffer('image/png');
}

export interface PageSpec {
  lang: OcrLang;
  seed: number;
  /** Scan resolution; the page is A4. */
  dpi?: number;
  /** 'scanned': slight rotation, speckle noise, soft edges and JPEG artefacts. */
  look?: 'clean' | 'scanned';
  /** Body lines under the title. */
  lines?: number;
}

export interface GeneratedPage {
  /** PNG (clean) or JPEG (scanned) bytes. */
  data: Buffer;
  /** The text as drawn, one line per row. */
  text: string;
  dpi: number;
  width: number;
  height: number;
}

/** An A4 business page (title plus body lines at 10.5 pt) with its known text. */
export async function renderPage(spec: PageSpec): Promise<GeneratedPage> {
  const dpi = spec.dpi ?? 300;
  const random = seeded(spec.seed);
  const pool = spec.lang === 'jpn' ? JAPANESE_LINES : ENGLISH_LINES;
  const titles = TITLES[spec.lang];
  const body = Array.from({ length: spec.lines ?? 26 }, () => fillTemplate(pool[Math.floor(random() * pool.length)]!, random));
  const title = titles[Math.floor(random() * titles.length)]!;
  const font: FontName = spec.lang === 'jpn' ? (random() < 0.5 ? 'gothic' : 'mincho') : 'sans';
  const pt = (p: number) => Math.round((p * dpi) / 72);
  const lines: Line[] = [{ text: title, font, px: pt(18) }, ...body.map((text) => ({ text, font, px: pt(10.5) }))];
  const width = Math.round(8.27 * dpi);
  const height = Math.round(11.69 * dpi);
  const strip = renderLines(lines, { width, margin: Math.round(0.8 * dpi) });
  const stripHeight = (await sharp(strip).metadata()).height!;
  if (stripHeight > height) throw new Error(`${lines.length} lines do not fit on an A4 page`);
  const page = await sharp(strip).greyscale().extend({ bottom: height - stripHeight, background: '#ffffff' }).png().toBuffer();
  const text = [title, ...body].join('\n');
  if (spec.look !== 'scanned') {
    const data = await sharp(page).withMetadata({ density: dpi }).png().toBuffer();
    return { data, text, dpi, width, height };
  }
  const angle = (random() - 0.5) * 1.6;
  const rotated = await sharp(page).greyscale().rotate(angle, { background: '#ffffff' }).blur(0.6).raw().toBuffer({ resolveWithObject: true });
  const px = rotated.data;
  for (let i = 0; i < px.length; i += 1) {
    const r = random();
    // Speckles both ways plus a faint grey cast, as a cheap office scanner gives.
    px[i] = r < 0.002 ? 20 : r > 0.998 ? 255 : Math.max(0, Math.min(255, px[i]! - 12 + Math.round((random() - 0.5) * 30)));
  }
  const { width: w, height: h } = rotated.info;
  const crop = { left: Math.floor((w - width) / 2), top: Math.floor((h - height) / 2), width, height };
  const data = await sharp(px, { raw: { width: w, height: h, channels: 1 } })
    .extract(crop)
    .withMetadata({ density: dpi })
    .jpeg({ quality: 60 })
    .toBuffer();
  return { data, text, dpi, width, height };
}
