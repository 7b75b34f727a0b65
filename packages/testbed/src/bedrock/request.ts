import sharp from 'sharp';
import { EMBEDDING_LENGTHS, type EmbeddingLength } from './embedding';
import { estimateTokens } from './tokens';

/** Documented limits of amazon.titan-embed-image-v1. */
export const LIMITS = {
  maxTextTokens: 256,
  maxImageBytes: 25 * 1024 * 1024,
  maxImageSide: 2048,
  imageFormats: ['png', 'jpeg'],
} as const;

export interface EmbeddingRequest {
  text?: string;
  image?: Buffer;
  length: EmbeddingLength;
  textTokens: number;
}

/** The request breaks the model's input contract: Bedrock answers 400 ValidationException. */
export class InvalidRequest extends Error {
  override readonly name = 'InvalidRequest';
}

const KNOWN_KEYS = new Set(['inputText', 'inputImage', 'embeddingConfig']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function malformed(detail: string): InvalidRequest {
  return new InvalidRequest(`Malformed input request: ${detail}, please reformat your input and try again.`);
}

/**
 * Checks a Titan multimodal request body the way the service documents it. Messages follow the
 * service's "Malformed input request: …" form; tests should match on the exception class.
 */
export async function parseEmbeddingRequest(body: string): Promise<EmbeddingRequest> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw malformed('#: the body is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw malformed('#: expected type: JSONObject');
  const fields = json as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!KNOWN_KEYS.has(key)) throw malformed(`#: extraneous key [${key}] is not permitted`);
  }
  const { inputText, inputImage, embeddingConfig } = fields;
  if (inputText === undefined && inputImage === undefined) {
    throw malformed('#: at least one of [inputText, inputImage] is required');
  }

  let length: EmbeddingLength = 1024;
  if (embeddingConfig !== undefined) {
    if (typeof embeddingConfig !== 'object' || embeddingConfig === null) throw malformed('#/embeddingConfig: expected type: JSONObject');
    const requested = (embeddingConfig as Record<string, unknown>).outputEmbeddingLength;
    if (requested !== undefined) {
      if (!EMBEDDING_LENGTHS.includes(requested as EmbeddingLength)) {
        throw malformed(`#/embeddingConfig/outputEmbeddingLength: ${JSON.stringify(requested)} is not a valid enum value`);
      }
      length = requested as EmbeddingLength;
    }
  }

  let textTokens = 0;
  if (inputText !== undefined) {
    if (typeof inputText !== 'string') throw malformed('#/inputText: expected type: String');
    if (inputText.length === 0) throw malformed('#/inputText: expected minLength: 1, actual: 0');
    textTokens = estimateTokens(inputText);
    if (textTokens > LIMITS.maxTextTokens) {
      throw new InvalidRequest(
        `400 Bad Request: Too many input tokens. Max input tokens: ${LIMITS.maxTextTokens}, request input token count: ${textTokens}`,
      );
    }
  }

  let image: Buffer | undefined;
  if (inputImage !== undefined) {
    if (typeof inputImage !== 'string' || inputImage.length === 0 || !BASE64.test(inputImage)) {
      throw malformed('#/inputImage: expected a base64-encoded image');
    }
    image = Buffer.from(inputImage, 'base64');
    if (image.length > LIMITS.maxImageBytes) {
      throw new InvalidRequest(`The provided image exceeds the maximum allowed size of ${LIMITS.maxImageBytes} bytes (got ${image.length}).`);
    }
    await checkImage(image);
  }

  return { text: inputText as string | undefined, image, length, textTokens };
}

async function checkImage(image: Buffer): Promise<void> {
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    // Header only: sharp reads format and size without decoding the pixels.
    meta = await sharp(image).metadata();
  } catch {
    throw new InvalidRequest('Unable to process the provided image: not a readable image.');
  }
  if (!LIMITS.imageFormats.includes(meta.format as 'png' | 'jpeg')) {
    throw new InvalidRequest(`Unsupported image format ${meta.format}: the model accepts PNG and JPEG.`);
  }
  const { width = 0, height = 0 } = meta;
  if (width > LIMITS.maxImageSide || height > LIMITS.maxImageSide) {
    throw new InvalidRequest(
      `The provided image is ${width}x${height} pixels; the maximum is ${LIMITS.maxImageSide}x${LIMITS.maxImageSide}.`,
    );
  }
}
