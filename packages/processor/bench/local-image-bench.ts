/**
 * Benchmark of the local image descriptor: speed per image and near-duplicate retrieval.
 *
 *   pnpm bench:image [photo-dir]
 *
 * Synthetic scenes (and the photos in photo-dir, if given) are the collection; each gets
 * edited copies, and a copy is a hit when its nearest neighbour in the collection is its
 * original. Prints figures only; asserts nothing.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { EDITS, edited, scene } from '../test/support/image-fixtures';
import { cosine, localImageEmbedder } from '../src/pipeline/embed/local-image';

const SCENES = Number(process.env.BENCH_SCENES ?? 60);

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const photoDir = process.argv[2];
  const images: Array<{ label: string; bytes: Buffer }> = [];
  for (let i = 1; i <= SCENES; i++) images.push({ label: `scene-${i}`, bytes: await scene(i) });
  if (photoDir) {
    for (const name of (await readdir(photoDir)).filter((n) => /\.(jpe?g|png)$/i.test(n))) {
      images.push({ label: name, bytes: await readFile(join(photoDir, name)) });
    }
  }

  const vectors: Float32Array[] = [];
  const ms: number[] = [];
  for (const image of images) {
    const [vector, t] = await timed(() => localImageEmbedder.embed(image.bytes));
    vectors.push(vector);
    ms.push(t);
  }
  console.log(`collection: ${images.length} images, ${localImageEmbedder.dimensions} dims, model ${localImageEmbedder.modelId}`);
  console.log(`embed 640x480 JPEG: median ${median(ms.slice(0, SCENES)).toFixed(1)} ms/image`);

  const camera = await sharp(images[0].bytes).resize(4000, 3000).jpeg({ quality: 90 }).toBuffer();
  const cameraMs: number[] = [];
  for (let i = 0; i < 5; i++) cameraMs.push((await timed(() => localImageEmbedder.embed(camera)))[1]);
  console.log(`embed 4000x3000 JPEG (${(camera.length / 1e6).toFixed(1)} MB): median ${median(cameraMs).toFixed(1)} ms/image`);

  const perEdit = new Map<string, { hits: number; total: number; margins: number[] }>();
  for (let i = 0; i < images.length; i++) {
    for (const edit of EDITS) {
      const query = await localImageEmbedder.embed(await edited(images[i].bytes, edit));
      const sims = vectors.map((v) => cosine(query, v));
      const others = Math.max(...sims.filter((_, j) => j !== i));
      const stats = perEdit.get(edit) ?? { hits: 0, total: 0, margins: [] };
      stats.total++;
      if (sims[i] > others) stats.hits++;
      else console.log(`miss: ${images[i].label} ${edit} own ${sims[i].toFixed(3)} best other ${others.toFixed(3)}`);
      stats.margins.push(sims[i] - others);
      perEdit.set(edit, stats);
    }
  }
  let hits = 0;
  let total = 0;
  for (const [edit, s] of perEdit) {
    hits += s.hits;
    total += s.total;
    console.log(`${edit.padEnd(10)} nearest-is-original ${s.hits}/${s.total}, smallest margin ${Math.min(...s.margins).toFixed(3)}`);
  }
  console.log(`near-duplicate hit rate: ${hits}/${total}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
