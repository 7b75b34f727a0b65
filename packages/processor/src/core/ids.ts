import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * Stable document id: the same file path always maps to the same id, so re-indexing (or an SQS
 * redelivery) overwrites the document instead of adding a duplicate; and two different files
 * always get two ids. The exact path (or object key) is hashed as it is: `ガイド.txt` in NFC and
 * in NFD, `x\y.txt` (a name with a backslash) and `x/y.txt` (a folder) are different files on a
 * Linux share and different keys in S3. Normal forms and separators are matched at search time,
 * on the stored path, never in the id.
 *
 * Ids of earlier versions normalised the path first (legacyFileId); they differ only for paths
 * that were not NFC or held a backslash or a leading slash (see docs/worker.md, "Document ids").
 */
export function fileId(relPath: string): string {
  return createHash('sha256').update(relPath, 'utf8').digest('hex').slice(0, 32);
}

/** The id the versions before exact ids gave a path (NFC, backslashes as slashes, no leading slash). */
export function legacyFileId(relPath: string): string {
  return fileId(relPath.normalize('NFC').replace(/\\/g, '/').replace(/^\/+/, ''));
}

export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal, highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/**
 * The id of a member of a container (a zip's file, a mail's attachment): from the container's id
 * and the member's path inside it, so the same member of the same container keeps its id across
 * runs, and equal member paths in two containers are two documents.
 */
export function memberId(containerId: string, memberPath: string): string {
  return createHash('sha256').update(`${containerId}\u0000${memberPath}`, 'utf8').digest('hex').slice(0, 32);
}
