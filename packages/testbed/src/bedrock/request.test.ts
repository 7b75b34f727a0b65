import sharp from 'sharp';
import { InvalidRequest, parseEmbeddingRequest } from './request';

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#336699' } }).png().toBuffer();
const jpeg = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#336699' } }).jpeg().toBuffer();

describe('parseEmbeddingRequest', () => {
  it('accepts text, image or both, with 1024 dimensions by default', async () => {
    const text = await parseEmbeddingRequest(JSON.stringify({ inputText: '御見積書' }));
    expect(text).toMatchObject({ text: '御見積書', length: 1024, textTokens: 4 });
    const image = await parseEmbeddingRequest(
      JSON.stringify({ inputImage: (await jpeg(2048, 2048)).toString('base64'), embeddingConfig: { outputEmbeddingLength: 384 } }),
    );
    expect(image.length).toBe(384);
    expect(image.image?.length).toBeGreaterThan(0);
  });

  it.each([
    ['not JSON', 'inputText='],
    ['an array', '[]'],
    ['no input', '{}'],
    ['an unknown key', '{"inputText":"a","normalize":true}'],
    ['an empty text', '{"inputText":""}'],
    ['a numeric text', '{"inputText":5}'],
    ['a length not offered', '{"inputText":"a","embeddingConfig":{"outputEmbeddingLength":512}}'],
    ['text over 256 tokens', JSON.stringify({ inputText: '見'.repeat(257) })],
    ['an image that is not base64', '{"inputImage":"***"}'],
    ['bytes that are no image', JSON.stringify({ inputImage: Buffer.from('%PDF-1.7').toString('base64') })],
  ])('refuses %s', async (_case, body) => {
    await expect(parseEmbeddingRequest(body)).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('refuses images wider or taller than 2048 px, and formats other than PNG/JPEG', async () => {
    for (const image of [await png(2049, 10), await png(10, 2049), await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).webp().toBuffer()]) {
      await expect(parseEmbeddingRequest(JSON.stringify({ inputImage: image.toString('base64') }))).rejects.toBeInstanceOf(InvalidRequest);
    }
  });

  it('refuses images over 25 MB decoded before looking at them', async () => {
    const huge = Buffer.alloc(25 * 1024 * 1024 + 1).toString('base64');
    await expect(parseEmbeddingRequest(JSON.stringify({ inputImage: huge }))).rejects.toThrow(/maximum allowed size/);
  });
});
