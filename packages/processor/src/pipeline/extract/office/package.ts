import { open } from 'node:fs/promises';
import { UnreadableFileError } from '../../../core/errors';
import { log } from '../../../core/log';
import { isEncryptedOoxml, readOle2, topLevelNames } from '../../formats/ole2';
import { OLE2_MAGIC } from '../../detect/signatures';
import { ZipArchive } from '../../formats/zip';

/** Extracted text beyond this many characters is cut (and the cut logged): enough for any real document. */
export const MAX_OFFICE_TEXT_CHARS = 10_000_000;

/** Parts that hold markup the readers parse; media and embedded binaries are never inflated. */
export const isXmlPart = (name: string): boolean => name.endsWith('.xml') || name.endsWith('.rels');

async function leadingBytes(path: string, n: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buffer, 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Opens an Office Open XML package, runs `use` on it and closes it. A password-protected
 * package is an OLE2 file, not a zip: it is reported as encrypted; anything else that is not
 * a readable zip is reported as corrupt.
 */
export async function withOfficePackage<T>(path: string, use: (zip: ZipArchive) => Promise<T>): Promise<T> {
  const head = await leadingBytes(path, OLE2_MAGIC.length);
  if (head.equals(OLE2_MAGIC)) {
    const names = topLevelNames(await readOle2(path));
    if (isEncryptedOoxml(names)) throw new UnreadableFileError('encrypted Office document (password protected)');
    throw new UnreadableFileError('not an Office Open XML package: an OLE2 (97–2003) file with a new-format name');
  }
  const zip = await ZipArchive.open(path);
  try {
    return await use(zip);
  } finally {
    zip.close();
  }
}

/** The page count an Office application recorded in docProps/app.xml, if any. */
export async function recordedCount(zip: ZipArchive, element: 'Pages' | 'Slides'): Promise<number | undefined> {
  if (!zip.has('docProps/app.xml')) return undefined;
  const match = new RegExp(`<(?:\\w+:)?${element}>(\\d+)</`).exec(await zip.readText('docProps/app.xml'));
  const n = match ? Number(match[1]) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Cuts text at MAX_OFFICE_TEXT_CHARS, logging the cut so it is not silent. */
export function capText(text: string, path: string): string {
  if (text.length <= MAX_OFFICE_TEXT_CHARS) return text;
  log.warn({ path, chars: text.length, kept: MAX_OFFICE_TEXT_CHARS }, 'office text truncated');
  return text.slice(0, MAX_OFFICE_TEXT_CHARS);
}
