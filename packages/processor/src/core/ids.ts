import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * Stable document id: the same file path always maps to the same id, so re-indexing
 * (or an SQS redelivery) overwrites the document instead of adding a duplicate.
 * NFC first: macOS and Windows shares spell the same Japanese name in different normal forms.
 */
export function fileId(relPath: string): string {
  const normalized = relPath.normalize('NFC').replace(/\\/g, '/').replace(/^\/+/, '');
  return createHash('sha256').update(normalized, 'utf8').digest('hex').slice(0, 32);
}

export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal, highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
