import sharp from 'sharp';
import { UnreadableFileError } from '../../core/errors';
import { EDITS, edited, scene } from '../../../test/support/image-fixtures';
import { LOCAL_IMAGE_MODEL_ID, cosine, localImageEmbedder } from './local-image';

const SCENES = 10;

describe('localImageEmbedder', () => {
  let originals: Buffer[];
  let vectors: Float32Array[];

  beforeAll(async () => {
    originals = await Promise.all(Array.from({ length: SCENES }, (_, i) => scene(i + 1)));
    vectors = await Promise.all(originals.map((o) => localImageEmbedder.embed(o)));
  });

  it('declares a versioned model id and gives unit vectors of its declared size', () => {
    expect(localImageEmbedder.modelId).toBe(LOCAL_IMAGE_MODEL_ID);
    expect(LOCAL_IMAGE_MODEL_ID).toMatch(/-v\d+$/);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(localImageEmbedder.dimensions);
      expect(Math.sqrt(cosine(v, v))).toBeCloseTo(1, 5);
    }
  });

  it('is deterministic', async () => {
    const again = await localImageEmbedder.embed(originals[0]);
    expect(Array.from(again)).toEqual(Array.from(vectors[0]));
  });

  it.each(EDITS)('finds the original as the nearest neighbour of a %s copy', async (edit) => {
    for (let i = 0; i < SCENES; i++) {
      const query = await localImageEmbedder.embed(await edited(originals[i], edit));
      const sims = vectors.map((v) => cosine(query, v));
      const nearest = sims.indexOf(Math.max(...sims));
      expect({ scene: i, nearest }).toEqual({ scene: i, nearest: i });
    }
  });

  it('keeps distinct scenes apart', () => {
    for (let i = 0; i < SCENES; i++) {
      for (let j = i + 1; j < SCENES; j++) expect(cosine(vectors[i], vectors[j])).toBeLessThan(0.9);
    }
  });

  it('reads greyscale and transparent images, not only RGB JPEGs', async () => {
    const grey = await sharp(originals[0]).greyscale().png().toBuffer();
    const withAlpha = await sharp(originals[1]).ensureAlpha(0.5).png().toBuffer();
    for (const image of [grey, withAlpha]) {
      const v = await localImageEmbedder.embed(image);
      expect(v).toHaveLength(localImageEmbedder.dimensions);
      expect(v.every(Number.isFinite)).toBe(true);
    }
  });

  it('reports an undecodable image as unreadable', async () => {
    await expect(localImageEmbedder.embed(Buffer.from('not an image at all'))).rejects.toBeInstanceOf(UnreadableFileError);
  });
});
