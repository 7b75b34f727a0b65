import type { FileKind } from '../../core/types';

/** The mime types the detector emits; extractors declare theirs from this list. */
export const MIME = {
  empty: 'application/x-empty',
  binary: 'application/octet-stream',
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  tiff: 'image/tiff',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  heic: 'image/heic',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  zip: 'application/zip',
  eml: 'message/rfc822',
  rtf: 'application/rtf',
  /** An OLE2 compound file that is none of the formats below (Thumbs.db, .msi, …). */
  cfb: 'application/x-cfb',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  msg: 'application/vnd.ms-outlook',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  dotx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.template',
  docm: 'application/vnd.ms-word.document.macroEnabled.12',
  dotm: 'application/vnd.ms-word.template.macroEnabled.12',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xltx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.template',
  xlsm: 'application/vnd.ms-excel.sheet.macroEnabled.12',
  xltm: 'application/vnd.ms-excel.template.macroEnabled.12',
  xlsb: 'application/vnd.ms-excel.sheet.binary.macroEnabled.12',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ppsx: 'application/vnd.openxmlformats-officedocument.presentationml.slideshow',
  potx: 'application/vnd.openxmlformats-officedocument.presentationml.template',
  pptm: 'application/vnd.ms-powerpoint.presentation.macroEnabled.12',
  ppsm: 'application/vnd.ms-powerpoint.slideshow.macroEnabled.12',
  potm: 'application/vnd.ms-powerpoint.template.macroEnabled.12',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  xdw: 'application/vnd.fujixerox.docuworks',
  xbd: 'application/vnd.fujixerox.docuworks.binder',
  text: 'text/plain',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  markdown: 'text/markdown',
  html: 'text/html',
} as const;

/** Word-processing OOXML variants: same parts, same reader. */
export const WORDPROCESSING_MIMES = [MIME.docx, MIME.dotx, MIME.docm, MIME.dotm] as const;
export const SPREADSHEET_MIMES = [MIME.xlsx, MIME.xltx, MIME.xlsm, MIME.xltm] as const;
export const PRESENTATION_MIMES = [MIME.pptx, MIME.ppsx, MIME.potx, MIME.pptm, MIME.ppsm, MIME.potm] as const;
export const LEGACY_OFFICE_MIMES = [MIME.doc, MIME.xls, MIME.ppt] as const;
export const DOCUWORKS_MIMES = [MIME.xdw, MIME.xbd] as const;

const KIND_BY_MIME: ReadonlyMap<string, FileKind> = new Map<string, FileKind>([
  [MIME.pdf, 'pdf'],
  ...[MIME.png, MIME.jpeg, MIME.tiff, MIME.gif, MIME.webp, MIME.bmp, MIME.heic, MIME.avif, MIME.svg].map(
    (m) => [m, 'image'] as [string, FileKind],
  ),
  ...[
    ...WORDPROCESSING_MIMES,
    ...SPREADSHEET_MIMES,
    ...PRESENTATION_MIMES,
    ...LEGACY_OFFICE_MIMES,
    MIME.xlsb,
    MIME.rtf,
    MIME.odt,
    MIME.ods,
    MIME.odp,
  ].map((m) => [m, 'office'] as [string, FileKind]),
  ...[MIME.text, MIME.csv, MIME.tsv, MIME.markdown, MIME.html].map((m) => [m, 'text'] as [string, FileKind]),
  ...[MIME.zip, MIME.eml, MIME.msg].map((m) => [m, 'container'] as [string, FileKind]),
]);

/**
 * The kind for a mime type. Anything not listed is 'other', including DocuWorks: it has no
 * reader outside Windows, so it is never handed to a text extractor.
 */
export function kindOf(mime: string): FileKind {
  return KIND_BY_MIME.get(mime) ?? (mime.startsWith('application/vnd.oasis.opendocument.') ? 'office' : 'other');
}

/** What a file's extension claims it is; used for hints and to flag extensions that lie. */
export const MIME_BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['pdf', MIME.pdf],
  ['png', MIME.png],
  ['jpg', MIME.jpeg],
  ['jpeg', MIME.jpeg],
  ['jpe', MIME.jpeg],
  ['jfif', MIME.jpeg],
  ['tif', MIME.tiff],
  ['tiff', MIME.tiff],
  ['gif', MIME.gif],
  ['webp', MIME.webp],
  ['bmp', MIME.bmp],
  ['heic', MIME.heic],
  ['heif', MIME.heic],
  ['avif', MIME.avif],
  ['svg', MIME.svg],
  ['zip', MIME.zip],
  ['eml', MIME.eml],
  ['rtf', MIME.rtf],
  ['doc', MIME.doc],
  ['dot', MIME.doc],
  ['xls', MIME.xls],
  ['xlt', MIME.xls],
  ['ppt', MIME.ppt],
  ['pps', MIME.ppt],
  ['pot', MIME.ppt],
  ['msg', MIME.msg],
  ['docx', MIME.docx],
  ['dotx', MIME.dotx],
  ['docm', MIME.docm],
  ['dotm', MIME.dotm],
  ['xlsx', MIME.xlsx],
  ['xltx', MIME.xltx],
  ['xlsm', MIME.xlsm],
  ['xltm', MIME.xltm],
  ['xlsb', MIME.xlsb],
  ['pptx', MIME.pptx],
  ['ppsx', MIME.ppsx],
  ['potx', MIME.potx],
  ['pptm', MIME.pptm],
  ['ppsm', MIME.ppsm],
  ['potm', MIME.potm],
  ['odt', MIME.odt],
  ['ods', MIME.ods],
  ['odp', MIME.odp],
  ['xdw', MIME.xdw],
  ['xbd', MIME.xbd],
  ['txt', MIME.text],
  ['text', MIME.text],
  ['log', MIME.text],
  ['csv', MIME.csv],
  ['tsv', MIME.tsv],
  ['md', MIME.markdown],
  ['markdown', MIME.markdown],
  ['htm', MIME.html],
  ['html', MIME.html],
  ['xhtml', MIME.html],
]);

/** Lower-case extension without the dot; '' when the name has none. */
export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}
