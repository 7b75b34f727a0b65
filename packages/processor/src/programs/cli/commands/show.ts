import type { Command } from 'commander';
import { UsageError } from '../../../core/errors';
import { formatBytes } from '../../../core/format';
import type { DocumentFields, SearchIndex, StoredDocument } from '../../../core/types';
import { positiveInt } from '../options';
import { openSearchTarget, type SearchTargetOptions } from '../search-target';
import { OPENSEARCH_OPTION_HELP } from './search';

interface ShowOptions extends SearchTargetOptions {
  json?: boolean;
  full?: boolean;
  chars: number;
}

export function register(program: Command): void {
  program
    .command('show')
    .description('print the stored document of a path with all its fields (a member of a zip or mail: archive.zip/dir/member.pdf)')
    .argument('<path>', 'the path as stored (as `cis search` prints it)')
    .option('--db <file>', 'index database (default: $CIS_DB or .cis/index.db)')
    .option('--opensearch', OPENSEARCH_OPTION_HELP)
    .option('--json', 'print the document as JSON')
    .option('--full', 'the whole text, not its start')
    .option('--chars <n>', 'characters of text shown without --full', positiveInt, 600)
    .action(async (path: string, opts: ShowOptions) => {
      const target = openSearchTarget(opts);
      try {
        const doc = await target.query((index) => find(index, path));
        if (!doc) throw new UsageError(`no document stored for ${path} (paths are relative to the indexed folder, or S3 keys)`);
        process.stdout.write(opts.json ? `${JSON.stringify(shown(doc, opts), null, 2)}\n` : describe(doc, opts));
      } finally {
        await target.close();
      }
    });
}

/** The path as typed, else in the other Unicode normal form (macOS shells type NFD). */
async function find(index: SearchIndex, path: string): Promise<StoredDocument | undefined> {
  for (const candidate of new Set([path, path.normalize('NFC'), path.normalize('NFD')])) {
    const doc = await index.getByPath(candidate);
    if (doc) return doc;
  }
  return undefined;
}

function shown(doc: StoredDocument, opts: ShowOptions): StoredDocument & { textChars: number; textTruncated?: boolean } {
  const cut = !opts.full && doc.text.length > opts.chars;
  return { ...doc, text: cut ? doc.text.slice(0, opts.chars) : doc.text, textChars: doc.text.length, ...(cut ? { textTruncated: true } : {}) };
}

const FIELD_LABELS: Record<keyof DocumentFields, string> = {
  title: 'title',
  author: 'author',
  subject: 'subject',
  keywords: 'keywords',
  creatorTool: 'creator tool',
  lastModifiedBy: 'last modified by',
  company: 'company',
  created: 'created',
  modified: 'modified',
  takenAt: 'taken at',
  cameraMake: 'camera make',
  cameraModel: 'camera model',
  orientation: 'orientation',
  gps: 'gps',
  from: 'from',
  to: 'to',
  cc: 'cc',
  sentAt: 'sent at',
};

function describe(doc: StoredDocument, opts: ShowOptions): string {
  const rows: Array<[string, string]> = [
    ['path', doc.path],
    ['id', doc.id],
    ['status', doc.reason ? `${doc.status}: ${doc.reason}` : doc.status],
    ['type', `${doc.mime} (${doc.kind})`],
    ['size', `${formatBytes(doc.size)} (${doc.size} bytes)`],
    ['modified on disk', doc.mtime],
    ['pages', doc.ocrPages.length > 0 ? `${doc.pages} (OCR: ${doc.ocrPages.join(', ')})` : String(doc.pages)],
    ['language', doc.language],
  ];
  if (doc.container) rows.push(['container', doc.container]);
  for (const [key, label] of Object.entries(FIELD_LABELS) as Array<[keyof DocumentFields, string]>) {
    const value = doc.fields?.[key];
    if (value === undefined) continue;
    rows.push([label, Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? `${value.lat}, ${value.lon}` : String(value)]);
  }
  if (doc.vector) rows.push(['vector', `${doc.vector.modelId}, ${doc.vector.dimensions} dimensions`]);
  if (doc.s3) rows.push(['s3', `s3://${doc.s3.bucket}/${doc.s3.key}${doc.s3.etag ? ` (ETag ${doc.s3.etag})` : ''}`]);
  rows.push(['indexed at', doc.indexedAt]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const s = shown(doc, opts);
  const about = s.textTruncated ? `${doc.text.length} characters, the first ${opts.chars} (--full for all)` : `${doc.text.length} characters`;
  return `${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n\ntext (${about}):\n${s.text}${s.textTruncated ? '…' : ''}\n`;
}
