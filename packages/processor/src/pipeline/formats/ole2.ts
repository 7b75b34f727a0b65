import { readFile } from 'node:fs/promises';
import * as CFB from 'cfb';
import { UnreadableFileError, errorMessage } from '../../core/errors';

/**
 * OLE2 files beyond this are not parsed (the reader holds the whole file in memory): they are
 * classified by extension and stored by metadata without looking inside.
 */
export const MAX_OLE2_PARSE_BYTES = 64 * 1024 * 1024;

export type Ole2Container = CFB.CFB$Container;

/**
 * Parses an OLE2 compound file (legacy .doc/.xls/.ppt, encrypted OOXML, .msg …) with SheetJS's
 * cfb reader. It needs the whole file in memory: callers cap the size.
 */
export async function readOle2(path: string): Promise<Ole2Container> {
  const bytes = await readFile(path);
  try {
    return CFB.read(bytes, { type: 'buffer' });
  } catch (err) {
    throw new UnreadableFileError(`corrupt OLE2 container: ${errorMessage(err)}`, { cause: err });
  }
}

/** Names of the streams and storages directly under the root. */
export function topLevelNames(container: Ole2Container): Set<string> {
  const names = new Set<string>();
  for (const full of container.FullPaths) {
    const parts = full.split('/').filter(Boolean);
    if (parts.length === 2) names.add(parts[1]);
  }
  return names;
}

export function streamBytes(container: Ole2Container, name: string): Buffer | undefined {
  const entry = CFB.find(container, name);
  return entry?.content ? Buffer.from(entry.content as Uint8Array) : undefined;
}

/** Office wraps a password-protected .docx/.xlsx/.pptx in OLE2 with these two streams. */
export function isEncryptedOoxml(names: Set<string>): boolean {
  return names.has('EncryptedPackage') && names.has('EncryptionInfo');
}
