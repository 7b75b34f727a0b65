import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import sharp from 'sharp';
import type { Rng } from '../random';
import { realmView } from '../render/page';

/** Kinds of generated picture: there is no camera or stock library offline, so scenes are drawn. */
export const SCENES = ['landscape', 'city', 'still-life', 'garden', 'shapes'] as const;
export type Scene = (typeof SCENES)[number];

function hsl(h: number, s: number, l: number): string {
  return `hsl(${h.toFixed(1)}, ${s.toFixed(1)}%, ${l.toFixed(1)}%)`;
}

function skyGradient(ctx: SKRSContext2D, rng: Rng, w: number, h: number, dusk: boolean): number {
  const hue = dusk ? rng.range(10, 40) : rng.range(195, 225);
  const g = ctx.createLinearGradient(0, 0, 0, h);
  g.addColorStop(0, hsl(dusk ? rng.range(230, 260) : hue, rng.range(40, 70), dusk ? 22 : rng.range(40, 55)));
  g.addColorStop(1, hsl(hue, rng.range(50, 80), dusk ? 60 : rng.range(75, 88)));
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, w, h);
  return hue;
}

function ridge(ctx: SKRSContext2D, rng: Rng, w: number, base: number, amp: number, fill: string, h: number): void {
  ctx.beginPath();
  ctx.moveTo(0, h);
  let y = base + rng.range(-amp, amp);
  for (let x = 0; x <= w; x += w / 60) {
    y = Math.min(h, Math.max(base - amp * 1.5, y + rng.range(-amp / 6, amp / 6)));
    ctx.lineTo(x, y);
  }
  ctx.lineTo(w, h);
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
}

function landscape(ctx: SKRSContext2D, rng: Rng, w: number, h: number): void {
  const hue = skyGradient(ctx, rng, w, h * 0.7, false);
  const sun = ctx.createRadialGradient(w * rng.range(0.15, 0.85), h * rng.range(0.1, 0.3), 0, w * 0.5, h * 0.2, w * 0.5);
  sun.addColorStop(0, 'rgba(255, 250, 220, 0.9)');
  sun.addColorStop(0.08, 'rgba(255, 240, 200, 0.5)');
  sun.addColorStop(1, 'rgba(255, 255, 255, 0)');
  ctx.fillStyle = sun;
  ctx.fillRect(0, 0, w, h);
  const layers = rng.int(2, 4);
  for (let i = 0; i < layers; i++) {
    ridge(ctx, rng, w, h * (0.45 + i * 0.1), h * 0.12, hsl(hue + 20 + i * 15, 25 + i * 8, 55 - i * 12), h);
  }
  const field = ctx.createLinearGradient(0, h * 0.75, 0, h);
  field.addColorStop(0, hsl(rng.range(80, 120), 45, 35));
  field.addColorStop(1, hsl(rng.range(70, 110), 50, 18));
  ctx.fillStyle = field;
  ctx.fillRect(0, h * 0.78, w, h * 0.22);
  for (let t = rng.int(3, 9); t > 0; t--) {
    const x = rng.range(0, w);
    const base = h * rng.range(0.8, 0.98);
    const th = h * rng.range(0.12, 0.25);
    ctx.fillStyle = hsl(rng.range(100, 140), 40, rng.range(12, 24));
    ctx.beginPath();
    ctx.moveTo(x, base - th);
    ctx.lineTo(x - th * 0.3, base);
    ctx.lineTo(x + th * 0.3, base);
    ctx.closePath();
    ctx.fill();
  }
}

function city(ctx: SKRSContext2D, rng: Rng, w: number, h: number): void {
  skyGradient(ctx, rng, w, h, true);
  let x = -rng.range(0, 40);
  while (x < w) {
    const bw = rng.range(w * 0.05, w * 0.13);
    const bh = rng.range(h * 0.25, h * 0.75);
    ctx.fillStyle = hsl(rng.range(210, 240), 15, rng.range(10, 22));
    ctx.fillRect(x, h - bh, bw, bh);
    for (let wy = h - bh + 12; wy < h - 10; wy += 22) {
      for (let wx = x + 8; wx < x + bw - 10; wx += 18) {
        if (rng.chance(0.45)) {
          ctx.fillStyle = hsl(rng.range(40, 55), 90, rng.range(55, 75));
          ctx.fillRect(wx, wy, 9, 12);
        }
      }
    }
    x += bw + rng.range(2, 18);
  }
}

function stillLife(ctx: SKRSContext2D, rng: Rng, w: number, h: number): void {
  const wall = ctx.createLinearGradient(0, 0, w, 0);
  wall.addColorStop(0, hsl(rng.range(20, 50), 25, 70));
  wall.addColorStop(1, hsl(rng.range(20, 50), 20, 45));
  ctx.fillStyle = wall;
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = hsl(rng.range(15, 30), 45, 30);
  ctx.fillRect(0, h * 0.62, w, h * 0.38);
  for (let i = rng.int(3, 7); i > 0; i--) {
    const cx = rng.range(w * 0.15, w * 0.85);
    const r = rng.range(h * 0.05, h * 0.12);
    const cy = h * 0.66 - r * 0.6 + rng.range(0, h * 0.15);
    const hue = rng.pick([0, 10, 30, 50, 90, 120]);
    const g = ctx.createRadialGradient(cx - r * 0.35, cy - r * 0.35, r * 0.1, cx, cy, r);
    g.addColorStop(0, hsl(hue, 80, 70));
    g.addColorStop(1, hsl(hue, 75, 30));
    ctx.fillStyle = 'rgba(0,0,0,0.25)';
    ctx.beginPath();
    ctx.ellipse(cx + r * 0.3, cy + r * 0.9, r, r * 0.25, 0, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = g;
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, Math.PI * 2);
    ctx.fill();
  }
}

function garden(ctx: SKRSContext2D, rng: Rng, w: number, h: number): void {
  const g = ctx.createLinearGradient(0, 0, 0, h);
  g.addColorStop(0, hsl(rng.range(90, 130), 40, 40));
  g.addColorStop(1, hsl(rng.range(90, 130), 45, 18));
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, w, h);
  const hue = rng.range(0, 360);
  for (let i = rng.int(25, 60); i > 0; i--) {
    const cx = rng.range(0, w);
    const cy = rng.range(0, h);
    const r = rng.range(10, 38);
    const petals = rng.int(5, 8);
    ctx.fillStyle = hsl((hue + rng.range(-30, 30) + 360) % 360, 75, rng.range(55, 75));
    for (let p = 0; p < petals; p++) {
      const a = (p / petals) * Math.PI * 2;
      ctx.beginPath();
      ctx.ellipse(cx + Math.cos(a) * r, cy + Math.sin(a) * r, r * 0.7, r * 0.35, a, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.fillStyle = hsl(50, 90, 50);
    ctx.beginPath();
    ctx.arc(cx, cy, r * 0.45, 0, Math.PI * 2);
    ctx.fill();
  }
}

function shapes(ctx: SKRSContext2D, rng: Rng, w: number, h: number): void {
  const g = ctx.createLinearGradient(0, 0, w, h);
  g.addColorStop(0, hsl(rng.range(0, 360), 30, 85));
  g.addColorStop(1, hsl(rng.range(0, 360), 35, 55));
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, w, h);
  for (let i = rng.int(6, 14); i > 0; i--) {
    ctx.fillStyle = hsl(rng.range(0, 360), rng.range(40, 85), rng.range(30, 70));
    ctx.globalAlpha = rng.range(0.6, 1);
    const x = rng.range(0, w);
    const y = rng.range(0, h);
    const s = rng.range(h * 0.05, h * 0.3);
    if (rng.chance(0.5)) ctx.fillRect(x, y, s, s * rng.range(0.5, 1.5));
    else {
      ctx.beginPath();
      ctx.arc(x, y, s / 2, 0, Math.PI * 2);
      ctx.fill();
    }
  }
  ctx.globalAlpha = 1;
}

const DRAW: Record<Scene, (ctx: SKRSContext2D, rng: Rng, w: number, h: number) => void> = {
  landscape,
  city,
  'still-life': stillLife,
  garden,
  shapes,
};

/** A camera-like picture: a drawn scene with vignetting and sensor noise, as a JPEG. */
export async function photo(rng: Rng, scene: Scene, width: number, height: number, quality = 88): Promise<Buffer> {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  DRAW[scene](ctx, rng, width, height);
  const vignette = ctx.createRadialGradient(width / 2, height / 2, height * 0.3, width / 2, height / 2, width * 0.75);
  vignette.addColorStop(0, 'rgba(0,0,0,0)');
  vignette.addColorStop(1, 'rgba(0,0,0,0.35)');
  ctx.fillStyle = vignette;
  ctx.fillRect(0, 0, width, height);
  const rgba = realmView(ctx.getImageData(0, 0, width, height).data);
  const rgb = Buffer.alloc(width * height * 3);
  const sigma = rng.range(2, 4);
  const table = new Float32Array(4096);
  for (let i = 0; i < table.length; i++) table[i] = rng.normal() * sigma;
  // No Math.* in the loop: see applyScanLook.
  let state = rng.int(1, 0x7ffffffe);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    for (let c = 0; c < 3; c++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const v = rgba[i + c]! + table[(state >>> 0) & 0xfff]! + 0.5;
      rgb[j + c] = v <= 0 ? 0 : v >= 255 ? 255 : v | 0;
    }
  }
  return sharp(rgb, { raw: { width, height, channels: 3 } }).blur(0.6).jpeg({ quality }).toBuffer();
}

export type PhotoEdit = 'resized' | 'recompressed' | 'cropped' | 'brightened';
export const PHOTO_EDITS: PhotoEdit[] = ['resized', 'recompressed', 'cropped', 'brightened'];

/** An edited copy, as people make them (for image-similarity checks). */
export async function editPhoto(jpeg: Buffer, edit: PhotoEdit): Promise<Buffer> {
  const img = sharp(jpeg);
  const { width = 0, height = 0 } = await img.metadata();
  switch (edit) {
    case 'resized':
      return img.resize(Math.round(width / 2)).jpeg({ quality: 82 }).toBuffer();
    case 'recompressed':
      return img.jpeg({ quality: 45 }).toBuffer();
    case 'cropped': {
      const cw = Math.round(width * 0.75);
      const ch = Math.round(height * 0.75);
      return img.extract({ left: Math.round((width - cw) / 2), top: Math.round((height - ch) / 3), width: cw, height: ch }).jpeg({ quality: 85 }).toBuffer();
    }
    case 'brightened':
      return img.modulate({ brightness: 1.15, saturation: 1.1 }).resize(Math.round(width * 0.8)).jpeg({ quality: 80 }).toBuffer();
  }
}
