import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, decodePDFRawStream, type PDFObject } from 'pdf-lib';
import { jpegFrameSize } from './jpeg-frame';
import { type Matrix, multiply } from './painted-images';

/**
 * A scanned page as scanners write it: a content stream that only draws one JPEG image
 * (`q <a b c d e f cm>… /Im0 Do Q`). Its DCTDecode bytes go to sharp (libjpeg-turbo)
 * instead of pdf.js's JavaScript decoder, which costs several times more CPU per page
 * (measured: the largest main-thread cost of a scan-heavy run). Anything else — more
 * drawing, masks, a Decode array, CMYK or indexed colour, encryption — is left to pdf.js.
 */
export interface RawJpegScan {
  jpeg: Uint8Array;
  width: number;
  height: number;
  /** Maps the image's unit square to the page as displayed at scale 1, as pdf.js's operator list would. */
  matrix: Matrix;
}

/** Larger files are left to pdf.js alone: pdf-lib parses every object up front. */
export const RAW_JPEG_MAX_FILE_BYTES = 128 * 1024 * 1024;

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)`;
const CM = String.raw`(?:\s+${NUMBER}){6}\s+cm`;
const SCAN_CONTENT = new RegExp(String.raw`^q((?:${CM})+)\s+/([^\s/\[\]()<>{}%]+)\s+Do\s+Q$`);
const NUMBER_G = new RegExp(NUMBER, 'g');

export class RawJpegPages {
  private constructor(private readonly doc: PDFDocument) {}

  /** Undefined when pdf-lib cannot read the file or it is encrypted: pdf.js then does every page. */
  static async open(bytes: Uint8Array): Promise<RawJpegPages | undefined> {
    if (bytes.byteLength > RAW_JPEG_MAX_FILE_BYTES) return undefined;
    try {
      const doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
      return doc.isEncrypted ? undefined : new RawJpegPages(doc);
    } catch {
      return undefined;
    }
  }

  /**
   * Images the page draws (directly or through form XObjects) that pdf.js would decode to more
   * than `maxPixels`, described for a note. pdf.js's own `maxImageSize` checks only an image's
   * declared /Width and /Height: it still decodes a huge /SMask or /Mask behind a small image,
   * and a JPEG whose frame is larger than the PDF declares. Such a page is not decoded at all.
   */
  oversizedImages(pageIndex: number, maxPixels: number): string[] {
    try {
      if (pageIndex >= this.doc.getPageCount()) return [];
      const found: string[] = [];
      this.findOversized(this.doc.getPage(pageIndex).node.Resources(), maxPixels, found, new Set(), 0);
      return found;
    } catch {
      return [];
    }
  }

  private findOversized(resources: PDFDict | undefined, maxPixels: number, found: string[], seen: Set<PDFObject>, depth: number): void {
    const xobjects = resources?.lookupMaybe(PDFName.of('XObject'), PDFDict);
    if (!xobjects || depth > 8) return;
    for (const [name, value] of xobjects.entries()) {
      const stream = value instanceof PDFRef ? this.doc.context.lookup(value) : value;
      if (!(stream instanceof PDFRawStream) || seen.has(stream)) continue;
      seen.add(stream);
      const subtype = stream.dict.get(PDFName.of('Subtype'));
      if (subtype === PDFName.of('Form')) {
        this.findOversized(stream.dict.lookupMaybe(PDFName.of('Resources'), PDFDict), maxPixels, found, seen, depth + 1);
        continue;
      }
      if (subtype !== PDFName.of('Image')) continue;
      const label = `image ${name.asString()}`;
      const problem = this.oversized(stream, maxPixels, label);
      if (problem) {
        found.push(problem);
        continue;
      }
      for (const key of ['SMask', 'Mask']) {
        const mask = stream.dict.get(PDFName.of(key));
        const maskStream = mask instanceof PDFRef ? this.doc.context.lookup(mask) : mask;
        const maskProblem = maskStream instanceof PDFRawStream ? this.oversized(maskStream, maxPixels, `the /${key} of ${label}`) : undefined;
        if (maskProblem) found.push(maskProblem);
      }
    }
  }

  private oversized(stream: PDFRawStream, maxPixels: number, label: string): string | undefined {
    const w = stream.dict.lookup(PDFName.of('Width'));
    const h = stream.dict.lookup(PDFName.of('Height'));
    const declared = w instanceof PDFNumber && h instanceof PDFNumber ? { width: w.asNumber(), height: h.asNumber() } : undefined;
    if (declared && declared.width * declared.height > maxPixels) return `${label} is ${declared.width}×${declared.height}`;
    const filter = stream.dict.lookup(PDFName.of('Filter'));
    const filters = filter instanceof PDFArray ? filter.asArray() : [filter];
    if (filters.length === 1 && filters[0] === PDFName.of('DCTDecode')) {
      const frame = jpegFrameSize(stream.contents);
      if (frame && frame.width * frame.height > maxPixels) {
        const claim = declared ? ` (the PDF declares ${declared.width}×${declared.height})` : '';
        return `${label} is a JPEG of ${frame.width}×${frame.height}${claim}`;
      }
    }
    return undefined;
  }

  /** The page's scan when it has exactly the shape above; `viewportTransform` is pdf.js's for the page at scale 1. */
  scan(pageIndex: number, viewportTransform: readonly number[]): RawJpegScan | undefined {
    try {
      return this.read(pageIndex, viewportTransform);
    } catch {
      return undefined;
    }
  }

  private read(pageIndex: number, viewportTransform: readonly number[]): RawJpegScan | undefined {
    if (pageIndex >= this.doc.getPageCount()) return undefined;
    const page = this.doc.getPage(pageIndex).node;
    const content = contentText(page.Contents(), this.doc);
    if (content === undefined) return undefined;
    const drawn = SCAN_CONTENT.exec(content.trim());
    if (!drawn) return undefined;

    const xobjects = page.Resources()?.lookupMaybe(PDFName.of('XObject'), PDFDict);
    const ref = xobjects?.get(PDFName.of(drawn[2]));
    const stream = ref instanceof PDFRef ? this.doc.context.lookup(ref) : ref;
    if (!(stream instanceof PDFRawStream)) return undefined;
    const image = imageInfo(stream.dict, this.doc);
    if (!image) return undefined;

    let matrix = viewportTransform as unknown as Matrix;
    const numbers = (drawn[1].match(NUMBER_G) ?? []).map(Number);
    for (let i = 0; i + 6 <= numbers.length; i += 6) {
      matrix = multiply(matrix, numbers.slice(i, i + 6) as unknown as Matrix);
    }
    return { jpeg: stream.contents, ...image, matrix };
  }
}

function contentText(contents: PDFObject | undefined, doc: PDFDocument): string | undefined {
  if (!contents) return undefined;
  const streams = contents instanceof PDFArray ? contents.asArray() : [contents];
  const parts: string[] = [];
  for (const item of streams) {
    const stream = item instanceof PDFRef ? doc.context.lookup(item) : item;
    if (!(stream instanceof PDFRawStream)) return undefined;
    parts.push(Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1'));
  }
  return parts.join('\n');
}

/** Width and height of a JPEG image XObject whose bytes sharp reads to the same pixels pdf.js would. */
function imageInfo(dict: PDFDict, doc: PDFDocument): { width: number; height: number } | undefined {
  if (dict.get(PDFName.of('Subtype')) !== PDFName.of('Image')) return undefined;
  const filter = dict.lookup(PDFName.of('Filter'));
  const filters = filter instanceof PDFArray ? filter.asArray() : [filter];
  if (filters.length !== 1 || filters[0] !== PDFName.of('DCTDecode')) return undefined;
  for (const key of ['SMask', 'Mask', 'Decode', 'ImageMask', 'DecodeParms']) {
    if (dict.has(PDFName.of(key))) return undefined;
  }
  const bits = dict.lookup(PDFName.of('BitsPerComponent'));
  if (!(bits instanceof PDFNumber) || bits.asNumber() !== 8) return undefined;
  if (!greyOrRgb(dict.lookup(PDFName.of('ColorSpace')), doc)) return undefined;
  const width = dict.lookup(PDFName.of('Width'));
  const height = dict.lookup(PDFName.of('Height'));
  if (!(width instanceof PDFNumber) || !(height instanceof PDFNumber)) return undefined;
  return { width: width.asNumber(), height: height.asNumber() };
}

function greyOrRgb(space: PDFObject | undefined, doc: PDFDocument): boolean {
  if (space === PDFName.of('DeviceGray') || space === PDFName.of('DeviceRGB')) return true;
  if (!(space instanceof PDFArray) || space.get(0) !== PDFName.of('ICCBased')) return false;
  const profile = space.get(1);
  const stream = profile instanceof PDFRef ? doc.context.lookup(profile) : profile;
  const n = stream instanceof PDFRawStream ? stream.dict.lookup(PDFName.of('N')) : undefined;
  return n instanceof PDFNumber && (n.asNumber() === 1 || n.asNumber() === 3);
}
