import path from 'node:path';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { UnreadableFileError, errorMessage } from '../../../core/errors';

export type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
export type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * pdfjs-dist ships ES modules only. `import()` works in all three places we run:
 * under tsx and from the esbuild bundle (pdfjs-dist stays external) the transpiled call
 * becomes `require()`, which loads ES modules natively on Node ≥ 20.19; under jest, swc
 * transpiles the .mjs files to CommonJS (see transformIgnorePatterns in jest.config.ts).
 * In Node, pdf.js runs its worker code on the main thread ("fake worker").
 */
let loading: Promise<Pdfjs> | undefined;

export function loadPdfjs(): Promise<Pdfjs> {
  loading ??= import('pdfjs-dist/legacy/build/pdf.mjs').catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

/**
 * Data files pdf.js reads from disk: CMaps (non-embedded CJK fonts extract as empty text
 * without them), the standard 14 fonts, and the WASM decoders (JPEG 2000, JBIG2, ICC).
 * pdf.js wants plain paths ending in '/'. Resolved from the installed package, which sits
 * next to the production bundle as an external dependency.
 */
function assetPaths() {
  const root = path.dirname(require.resolve('pdfjs-dist/package.json'));
  const dir = (name: string) => `${path.join(root, name)}/`;
  return {
    cMapUrl: dir('cmaps'),
    cMapPacked: true,
    standardFontDataUrl: dir('standard_fonts'),
    wasmUrl: dir('wasm'),
    iccUrl: dir('iccs'),
  };
}

let assets: ReturnType<typeof assetPaths> | undefined;

/** pdf.js errors that say the document itself is unusable, by their `name`. */
const PASSWORD_EXCEPTION = 'PasswordException';

/**
 * Opens a PDF held in memory. Unreadable documents become `UnreadableFileError` with a reason.
 * Images whose declared size is over `maxImagePixels` are dropped by pdf.js before decoding.
 */
export async function openPdf(data: Uint8Array, opts: { maxImagePixels?: number } = {}): Promise<PDFDocumentProxy> {
  const pdfjs = await loadPdfjs();
  assets ??= assetPaths();
  const task = pdfjs.getDocument({
    // pdf.js takes ownership of (and detaches) the buffer it is given.
    data,
    ...assets,
    // Read data files through fs on this thread; never fetch anything.
    useWorkerFetch: false,
    disableAutoFetch: true,
    disableStream: true,
    disableRange: true,
    isEvalSupported: false,
    // Image objects then carry their decoded pixels (`data`, `kind`) instead of an ImageBitmap.
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    enableXfa: false,
    ...(opts.maxImagePixels !== undefined ? { maxImageSize: opts.maxImagePixels } : {}),
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  try {
    return await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    if (err instanceof Error && err.name === PASSWORD_EXCEPTION) {
      throw new UnreadableFileError('PDF is password-protected', { cause: err });
    }
    throw new UnreadableFileError(`PDF is damaged: ${errorMessage(err)}`, { cause: err });
  }
}
