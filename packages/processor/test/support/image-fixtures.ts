/**
 * Synthetic photographs and their edited copies, for testing and benchmarking image
 * descriptors without shipping pictures. Each scene is a seeded mix of a gradient sky, shapes
 * and smooth texture, so scenes differ in layout and colour but share the same vocabulary
 * (which makes telling them apart a real test).
 */
import sharp from 'sharp';

export const SCENE_WIDTH = 640;
export const SCENE_HEIGHT = 480;

/** Mulberry32: a tiny seeded generator, so every run draws the same scenes. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const colour = (rand: () => number) =>
  `rgb(${Math.floor(rand() * 256)},${Math.floor(rand() * 256)},${Math.floor(rand() * 256)})`;

function sceneSvg(seed: number): string {
  const rand = random(seed);
  const [w, h] = [SCENE_WIDTH, SCENE_HEIGHT];
  const shapes: string[] = [];
  const count = 6 + Math.floor(rand() * 8);
  for (let i = 0; i < count; i++) {
    const x = rand() * w;
    const y = rand() * h;
    const size = 30 + rand() * 180;
    const fill = colour(rand);
    const opacity = (0.5 + rand() * 0.5).toFixed(2);
    if (rand() < 0.5) {
      shapes.push(`<circle cx="${x}" cy="${y}" r="${size / 2}" fill="${fill}" fill-opacity="${opacity}"/>`);
    } else {
      const angle = Math.floor(rand() * 90);
      shapes.push(
        `<rect x="${x}" y="${y}" width="${size}" height="${size * (0.4 + rand())}" fill="${fill}" fill-opacity="${opacity}" transform="rotate(${angle} ${x} ${y})"/>`,
      );
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="${rand().toFixed(2)}" y2="1">
    <stop offset="0" stop-color="${colour(rand)}"/><stop offset="1" stop-color="${colour(rand)}"/>
  </linearGradient></defs>
  <rect width="${w}" height="${h}" fill="url(#sky)"/>
  ${shapes.join('\n  ')}
</svg>`;
}

/** Smooth grey texture (blurred noise), like foliage or paper grain, blended over the shapes. */
async function texture(seed: number): Promise<Buffer> {
  const rand = random(seed * 7919 + 1);
  const [w, h] = [SCENE_WIDTH / 8, SCENE_HEIGHT / 8];
  const noise = Buffer.alloc(w * h * 3);
  for (let i = 0; i < noise.length; i += 3) noise.fill(Math.floor(rand() * 256), i, i + 3);
  return sharp(noise, { raw: { width: w, height: h, channels: 3 } })
    .resize(SCENE_WIDTH, SCENE_HEIGHT, { kernel: 'cubic' })
    .blur(3)
    .png()
    .toBuffer();
}

/** One synthetic photograph as a high-quality JPEG. */
export async function scene(seed: number): Promise<Buffer> {
  const base = await sharp(Buffer.from(sceneSvg(seed))).png().toBuffer();
  return sharp(base)
    .composite([{ input: await texture(seed), blend: 'soft-light' }])
    .jpeg({ quality: 92 })
    .toBuffer();
}

export type Edit = 'resized' | 'reencoded' | 'cropped' | 'brightened';
export const EDITS: readonly Edit[] = ['resized', 'reencoded', 'cropped', 'brightened'];

/** The kinds of copies that pile up on file shares: thumbnails, re-saves, trims, corrections. */
export async function edited(image: Buffer, edit: Edit): Promise<Buffer> {
  const { width, height } = await sharp(image).metadata();
  switch (edit) {
    case 'resized':
      return sharp(image).resize(Math.round(width / 2.5)).png().toBuffer();
    case 'reencoded':
      return sharp(image).jpeg({ quality: 40 }).toBuffer();
    case 'cropped': {
      // 5% off the right and bottom edges: the content shifts as well as shrinks.
      const keep = { left: 0, top: 0, width: Math.round(width * 0.95), height: Math.round(height * 0.95) };
      return sharp(image).extract(keep).jpeg({ quality: 85 }).toBuffer();
    }
    case 'brightened':
      return sharp(image).modulate({ brightness: 1.2 }).jpeg({ quality: 85 }).toBuffer();
  }
}
