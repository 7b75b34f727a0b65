import { deterministicEmbedding } from './embedding';
import { estimateTokens } from './tokens';

describe('deterministicEmbedding', () => {
  it('gives equal inputs equal unit vectors of the requested length', () => {
    const a = deterministicEmbedding({ text: '請求書' }, 1024);
    expect(a).toHaveLength(1024);
    expect(Math.hypot(...a)).toBeCloseTo(1, 9);
    expect(deterministicEmbedding({ text: '請求書' }, 1024)).toEqual(a);
    expect(deterministicEmbedding({ text: '請求書' }, 256)).toHaveLength(256);
  });

  it('separates different texts, images and text+image pairs', () => {
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    const text = deterministicEmbedding({ text: 'a' }, 1024);
    const image = deterministicEmbedding({ image: Buffer.from([1, 2, 3]) }, 1024);
    const both = deterministicEmbedding({ text: 'a', image: Buffer.from([1, 2, 3]) }, 1024);
    for (const [x, y] of [[text, image], [text, both], [image, both]] as const) expect(Math.abs(dot(x, y))).toBeLessThan(0.2);
  });
});

describe('estimateTokens', () => {
  it('counts CJK characters singly and Latin words by length', () => {
    expect(estimateTokens('見積書')).toBe(3);
    expect(estimateTokens('Hello, world!')).toBe(6);
    expect(estimateTokens('abc見積')).toBe(3);
    expect(estimateTokens('   ')).toBe(0);
  });
});
