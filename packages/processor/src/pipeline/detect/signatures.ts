import { MIME } from './mime';

/**
 * Leading-byte signatures of the formats we route. A short table of our own rather than
 * file-type: file-type is ESM-only (its latest needs Node 22), and it would only replace these
 * lines — the work that matters (which Office format a zip or OLE2 file holds, whether it is
 * encrypted, DocuWorks, text and its encoding) it does not do or does differently.
 */
interface Signature {
  mime: string;
  matches(head: Buffer): boolean;
}

export const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** BITMAPCOREHEADER … BITMAPV5HEADER sizes: "BM" alone is too weak (text can start with it). */
const BMP_DIB_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

const startsWith = (head: Buffer, bytes: Buffer | string, offset = 0): boolean => {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  return head.length >= offset + b.length && head.subarray(offset, offset + b.length).equals(b);
};

const ftypBrand = (head: Buffer): string | undefined =>
  startsWith(head, 'ftyp', 4) ? head.subarray(8, 12).toString('latin1') : undefined;

const SIGNATURES: readonly Signature[] = [
  // The PDF spec lets the header sit anywhere in the first 1024 bytes (some scanners prepend junk).
  { mime: MIME.pdf, matches: (h) => h.subarray(0, 1024).includes('%PDF-') },
  { mime: MIME.png, matches: (h) => startsWith(h, PNG_MAGIC) },
  { mime: MIME.jpeg, matches: (h) => startsWith(h, Buffer.from([0xff, 0xd8, 0xff])) },
  {
    mime: MIME.tiff,
    matches: (h) =>
      startsWith(h, Buffer.from([0x49, 0x49, 0x2a, 0x00])) ||
      startsWith(h, Buffer.from([0x4d, 0x4d, 0x00, 0x2a])) ||
      startsWith(h, Buffer.from([0x49, 0x49, 0x2b, 0x00])) ||
      startsWith(h, Buffer.from([0x4d, 0x4d, 0x00, 0x2b])),
  },
  { mime: MIME.gif, matches: (h) => startsWith(h, 'GIF87a') || startsWith(h, 'GIF89a') },
  { mime: MIME.webp, matches: (h) => startsWith(h, 'RIFF') && startsWith(h, 'WEBP', 8) },
  {
    mime: MIME.bmp,
    matches: (h) => startsWith(h, 'BM') && h.length >= 18 && BMP_DIB_HEADER_SIZES.has(h.readUInt32LE(14)),
  },
  { mime: MIME.heic, matches: (h) => HEIF_BRANDS.has(ftypBrand(h) ?? '') },
  { mime: MIME.avif, matches: (h) => AVIF_BRANDS.has(ftypBrand(h) ?? '') },
  {
    mime: MIME.zip,
    matches: (h) => startsWith(h, 'PK\x03\x04') || startsWith(h, 'PK\x05\x06') || startsWith(h, 'PK\x07\x08'),
  },
  { mime: MIME.cfb, matches: (h) => startsWith(h, OLE2_MAGIC) },
  { mime: MIME.rtf, matches: (h) => startsWith(h, '{\\rtf') },
  // DocuWorks publishes no format description and no sample could be checked here: "XDWF" is
  // the prefix reported for .xdw documents, unconfirmed. So the detector also trusts the
  // .xdw/.xbd extension for files whose content matches no other signature.
  { mime: MIME.xdw, matches: (h) => startsWith(h, 'XDWF') },
];

/** The mime whose signature the leading bytes carry, or undefined. Zip and OLE2 need a closer look. */
export function matchSignature(head: Buffer): string | undefined {
  return SIGNATURES.find((s) => s.matches(head))?.mime;
}
