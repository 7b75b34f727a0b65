import { posix } from 'node:path';
import { SaxesParser } from 'saxes';
import { UnreadableFileError, errorMessage } from '../../../core/errors';
import type { ZipArchive } from '../../formats/zip';

export interface Relationship {
  id: string;
  /** The relationship type URI; compare by its last segment (transitional and strict differ before it). */
  type: string;
  /** Package path of the target part, without a leading '/'. */
  target: string;
}

/** The last segment of a relationship type: 'slide', 'notesSlide', 'header' … */
export const relationKind = (rel: Relationship): string => rel.type.slice(rel.type.lastIndexOf('/') + 1);

/** Path of the .rels part that belongs to `part` (OPC: `dir/_rels/name.rels`). */
function relsPathOf(part: string): string {
  return posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);
}

/** The internal relationships of a part, in document order; empty when it has none. */
export async function readRelationships(zip: ZipArchive, part: string): Promise<Relationship[]> {
  const relsPath = relsPathOf(part);
  if (!zip.has(relsPath)) return [];
  const rels: Relationship[] = [];
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => {
    if (tag.name !== 'Relationship' || tag.attributes.TargetMode === 'External') return;
    const { Id: id, Type: type, Target: target } = tag.attributes;
    if (!id || !type || !target) return;
    const resolved = target.startsWith('/') ? target.slice(1) : posix.join(posix.dirname(part), target);
    rels.push({ id, type, target: posix.normalize(resolved) });
  });
  try {
    parser.write(await zip.readText(relsPath)).close();
  } catch (err) {
    if (err instanceof UnreadableFileError) throw err;
    throw new UnreadableFileError(`malformed relationships part ${relsPath}: ${errorMessage(err)}`, { cause: err });
  }
  return rels;
}

/** Attribute values of every element named `localName` (any prefix), in document order. */
export function attributeValues(xml: string, localName: string, attribute: string): string[] {
  const values: string[] = [];
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => {
    const local = tag.name.slice(tag.name.indexOf(':') + 1);
    const value = tag.attributes[attribute];
    if (local === localName && value !== undefined) values.push(value);
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    throw new UnreadableFileError(`malformed XML in Office part: ${errorMessage(err)}`, { cause: err });
  }
  return values;
}
