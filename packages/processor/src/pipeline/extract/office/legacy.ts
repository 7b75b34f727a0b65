import { UnreadableFileError } from '../../../core/errors';
import type { Extraction, Extractor, ExtractInput } from '../../../core/types';
import { LEGACY_OFFICE_MIMES, MIME } from '../../detect/mime';
import { MAX_OLE2_PARSE_BYTES, readOle2, streamBytes, type Ole2Container } from '../../formats/ole2';

const FIB_IDENT = 0xa5ec;
const FIB_FLAG_ENCRYPTED = 0x0100;
const BIFF_FILEPASS = 0x002f;
const BIFF_EOF = 0x000a;
const PPT_TOKEN_ENCRYPTED = 0xf3d1c4df;

/**
 * Word, Excel and PowerPoint 97–2003 (.doc/.xls/.ppt). No well-kept CommonJS reader covers
 * these binary formats on Node 20: SheetJS on npm is 0.18.5 with known advisories, and
 * word-extractor 1.0.4 (.doc only) read our LibreOffice-written sample correctly but is not
 * kept up (it still depends on yauzl 2 and saxes 5). So these files are stored by metadata
 * with a reason. Encrypted or damaged files are told apart first: they are failures with
 * their own reason, which a future reader would not change.
 */
export const legacyOfficeExtractor: Extractor = {
  name: 'office-legacy',
  mimeTypes: LEGACY_OFFICE_MIMES,
  weight: 1,
  async extract(input: ExtractInput): Promise<Extraction> {
    const format = LEGACY_FORMATS[input.type.mime];
    if (!format) throw new UnreadableFileError(`not a legacy Office type: ${input.type.mime}`);
    const metadataOnly = (why: string): Extraction => ({
      text: '',
      pages: 0,
      ocrPages: [],
      metadataOnlyReason: `${format.label}: ${why}`,
    });
    if (input.size > MAX_OLE2_PARSE_BYTES) {
      return metadataOnly('no text reader for this binary format on Node 20; too large to inspect');
    }
    if (format.isEncrypted(await readOle2(input.path))) {
      throw new UnreadableFileError(`encrypted ${format.label} (password protected)`);
    }
    return metadataOnly('no text reader for this binary format on Node 20');
  },
};

interface LegacyFormat {
  label: string;
  isEncrypted(container: Ole2Container): boolean;
}

const LEGACY_FORMATS: Readonly<Record<string, LegacyFormat>> = {
  [MIME.doc]: { label: 'Word 97–2003 document', isEncrypted: wordIsEncrypted },
  [MIME.xls]: { label: 'Excel 97–2003 workbook', isEncrypted: workbookIsEncrypted },
  [MIME.ppt]: { label: 'PowerPoint 97–2003 presentation', isEncrypted: presentationIsEncrypted },
};

/** [MS-DOC] FIB: wIdent at 0, the flags word at 0x0A with fEncrypted = 0x0100. */
function wordIsEncrypted(container: Ole2Container): boolean {
  const fib = streamBytes(container, 'WordDocument');
  if (!fib || fib.length < 12 || fib.readUInt16LE(0) !== FIB_IDENT) {
    throw new UnreadableFileError('corrupt Word 97–2003 document: no valid FIB');
  }
  return (fib.readUInt16LE(0x0a) & FIB_FLAG_ENCRYPTED) !== 0;
}

/** [MS-XLS]: a FILEPASS record in the workbook globals (before their EOF) means encryption. */
function workbookIsEncrypted(container: Ole2Container): boolean {
  const stream = streamBytes(container, 'Workbook') ?? streamBytes(container, 'Book');
  if (!stream || stream.length < 4) throw new UnreadableFileError('corrupt Excel 97–2003 workbook: no workbook stream');
  for (let at = 0; at + 4 <= stream.length; ) {
    const type = stream.readUInt16LE(at);
    if (type === BIFF_FILEPASS) return true;
    if (type === BIFF_EOF) return false;
    at += 4 + stream.readUInt16LE(at + 2);
  }
  return false;
}

/** [MS-PPT] CurrentUserAtom: headerToken 0xF3D1C4DF marks an encrypted presentation. */
function presentationIsEncrypted(container: Ole2Container): boolean {
  const current = streamBytes(container, 'Current User');
  return current !== undefined && current.length >= 16 && current.readUInt32LE(12) === PPT_TOKEN_ENCRYPTED;
}
