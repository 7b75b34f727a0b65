import sharp from 'sharp';
import { greyPixels } from '../grey-pixels';
import type { PageImage } from './scan-image';
import type { PDFDocumentProxy, PDFPageProxy } from './pdfjs';

type RenderParameters = Parameters<PDFPageProxy['render']>[0];

/** OCR gains nothing above 300 dpi and pays in time and worker memory. */
export const MAX_RENDER_DPI = 300;

/** pdf.js's Node canvas factory (backed by the @napi-rs/canvas version pdfjs-dist depends on). */
interface CanvasAndContext {
  canvas: unknown;
  context: {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
}
interface CanvasFactory {
  create(width: number, height: number): CanvasAndContext;
  destroy(canvasAndContext: CanvasAndContext): void;
}

/**
 * Renders the page in grey at up to 300 dpi, fewer when the page is so large that the
 * render would exceed `maxPixels`. Costs about as much as OCRing the page: the fallback
 * for pages whose scan cannot be taken from an embedded image.
 */
export async function renderPageGrey(
  doc: PDFDocumentProxy,
  page: PDFPageProxy,
  maxPixels: number,
  signal?: AbortSignal,
): Promise<PageImage> {
  const base = page.getViewport({ scale: 1 });
  let dpi = MAX_RENDER_DPI;
  const pixelsAtMax = (base.width * dpi * base.height * dpi) / (72 * 72);
  if (pixelsAtMax > maxPixels) dpi *= Math.sqrt(maxPixels / pixelsAtMax);
  const viewport = page.getViewport({ scale: dpi / 72 });
  const width = Math.floor(viewport.width);
  const height = Math.floor(viewport.height);

  const factory = doc.canvasFactory as CanvasFactory;
  const target = factory.create(width, height);
  try {
    const task = page.render({
      // The factory's own context, so its pixels can be read back below.
      canvas: null,
      canvasContext: target.context as unknown as RenderParameters['canvasContext'],
      viewport,
    });
    const cancel = () => task.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      await task.promise;
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
    signal?.throwIfAborted();
    const rgba = target.context.getImageData(0, 0, width, height).data;
    const grey = await greyPixels(
      sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), {
        raw: { width, height, channels: 4 },
        limitInputPixels: false,
      }).removeAlpha(),
    );
    return { image: { kind: 'raw', ...grey, channels: 1 }, dpi: Math.round(dpi) };
  } finally {
    factory.destroy(target);
  }
}
