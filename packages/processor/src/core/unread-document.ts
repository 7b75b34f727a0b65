import { basename } from 'node:path';
import type { IndexDocument } from './types';

/**
 * The stored form of a file whose content was never read (refused before download or before
 * extraction): what its listing said about it, status `failed` and the reason, so it is found
 * and listed by `cis failures` instead of silently missing.
 */
export function unreadDocument(file: { id: string; path: string; size: number; mtimeMs: number; reason: string }): IndexDocument {
  return {
    id: file.id,
    path: file.path,
    name: basename(file.path),
    size: file.size,
    mtime: new Date(file.mtimeMs).toISOString(),
    sha256: '',
    mime: 'application/octet-stream',
    kind: 'other',
    pages: 0,
    text: '',
    ocrPages: [],
    status: 'failed',
    reason: file.reason,
    language: 'other',
    indexedAt: new Date().toISOString(),
  };
}
