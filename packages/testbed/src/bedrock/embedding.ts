import { createHash } from 'node:crypto';

/** Embedding lengths amazon.titan-embed-image-v1 offers through embeddingConfig.outputEmbeddingLength. */
export const EMBEDDING_LENGTHS = [256, 384, 1024] as const;
export type EmbeddingLength = (typeof EMBEDDING_LENGTHS)[number];

/**
 * A unit-length vector that depends only on the inputs: equal requests get equal vectors, so
 * tests can assert on what reached the index, and different inputs land far apart.
 */
export function deterministicEmbedding(
  input: { text?: string; image?: Buffer },
  length: EmbeddingLength,
): number[] {
  const seed = createHash('sha256')
    .update(JSON.stringify([length, input.text ?? null]))
    .update(input.image ? createHash('sha256').update(input.image).digest() : Buffer.alloc(0))
    .digest();
  const values: number[] = [];
  for (let block = 0; values.length < length; block++) {
    const bytes = createHash('sha256').update(seed).update(String(block)).digest();
    for (let i = 0; i + 4 <= bytes.length && values.length < length; i += 4) {
      values.push(bytes.readUInt32BE(i) / 0x80000000 - 1);
    }
  }
  const norm = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0));
  return values.map((v) => v / norm);
}
