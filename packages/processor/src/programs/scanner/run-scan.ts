import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { forEachConcurrent } from '../../core/concurrency';
import { errorMessage } from '../../core/errors';
import { MESSAGE_VERSION, serializeFileMessage, type FileMessage } from '../../core/file-message';
import { BatchSender, sqsSendBatch, type SendBatch } from './batch-sender';
import { classify, type ScanEntry } from './diff';
import { listBucket, listFolder } from './listing';
import { Manifest, type ManifestRow } from './manifest';
import { ObjectWriter } from '../../adapters/s3/object-writer';
import { Pacer } from './pacer';
import type { ScanTarget } from './target';

export interface ScanSettings {
  target: ScanTarget;
  queueUrl: string;
  manifestPath: string;
  /** Enqueue every listed file, changed or not (local mode: upload it again too). */
  full: boolean;
  /** List what would be sent; send, upload, delete and record nothing. */
  dryRun: boolean;
  /** Messages per minute at most; undefined: as fast as the queue takes them. */
  ratePerMin?: number;
  /** SendMessageBatch calls in flight (and, in local mode, files uploading) at once. */
  concurrency: number;
  /** Local mode: files larger than this are uploaded in parts of this size. */
  partBytes: number;
}

export interface ScanDeps {
  s3: S3Client;
  sqs: SQSClient;
  /** Replaces SendMessageBatch (tests inject faults); default: the real call on settings.queueUrl. */
  sendBatch?: SendBatch;
}

export interface ScanProgress {
  phase: 'listing' | 'deleting';
  listed: number;
  /** Messages queued for sending so far (grows while the listing runs). */
  toSend: number;
  enqueued: number;
  failed: number;
  elapsedMs: number;
}

/** A message a dry run would send (local mode: after uploading `upload`). */
export interface PlannedMessage {
  op: 'upsert' | 'delete';
  key: string;
  change?: 'new' | 'changed' | 'unchanged';
  size?: number;
  etag?: string;
  lastModified?: string;
  upload?: string;
}

export interface ScanHooks {
  onProgress?(p: ScanProgress): void;
  onPlanned?(m: PlannedMessage): void;
  signal?: AbortSignal;
}

export interface ScanFailure {
  key: string;
  /** What could not be done: list (local file or folder), upload, upsert/delete (enqueue), remove (the object, local mode). */
  stage: 'list' | 'upload' | 'upsert' | 'delete' | 'remove';
  reason: string;
}

export interface ScanSummary {
  mode: 's3' | 'local';
  source: string;
  bucket: string;
  prefix: string;
  queueUrl: string;
  manifest: string;
  dryRun: boolean;
  full: boolean;
  ratePerMin: number | null;
  listed: number;
  new: number;
  changed: number;
  unchanged: number;
  /** Keys in the manifest that are gone from the source. */
  deleted: number;
  /** Local mode: files uploaded. */
  uploaded: number;
  uploadedBytes: number;
  /** Messages SQS accepted: upserts + deletes. */
  enqueued: number;
  enqueuedUpserts: number;
  enqueuedDeletes: number;
  /** Dry run: messages that would have been sent. */
  planned: number;
  failed: number;
  /** The first MAX_LISTED_FAILURES failures (all are counted in `failed`). */
  failures: ScanFailure[];
  /** Why deletions were not looked for, or only partly. */
  deletesSkipped?: string;
  seconds: number;
  /** Messages enqueued per minute of the whole run. */
  filesPerMin: number;
  /** Set when the run stopped before its end: what was sent up to then is in the counts and the manifest. */
  aborted?: string;
}

/** The run stopped part-way; `summary` says what was enqueued up to then (and the manifest agrees). */
export class ScanAbortedError extends Error {
  override readonly name = 'ScanAbortedError';
  // Private: the summary is printed by the command; a logged error should not repeat it whole.
  readonly #summary: ScanSummary;
  constructor(summary: ScanSummary, options?: { cause?: unknown }) {
    super(`scan stopped: ${summary.aborted}; ${summary.enqueued} message(s) were enqueued before it stopped`, options);
    this.#summary = summary;
  }

  get summary(): ScanSummary {
    return this.#summary;
  }
}

const MAX_LISTED_FAILURES = 1000;
/** S3 keys are at most 1024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

type Outbound = { op: 'upsert'; row: ManifestRow } | { op: 'delete'; key: string };

/**
 * One scan: lists the source, compares each file with the manifest, enqueues an upsert for every
 * new or changed file (local mode: after uploading it) and a delete for every key gone since the
 * last run. A manifest row changes only after SQS accepted its message, so a run that stops (or
 * crashes) part-way re-sends on the next run and never loses a file. The listing is streamed and
 * sends are bounded, so memory does not grow with the number of files.
 */
export async function runScan(deps: ScanDeps, settings: ScanSettings, hooks: ScanHooks = {}): Promise<ScanSummary> {
  const started = performance.now();
  const { target } = settings;
  const { signal } = hooks;
  const source = target.kind === 's3' ? 's3' : target.root;
  const identity = { queueUrl: settings.queueUrl, bucket: target.bucket, prefix: target.prefix, source };
  const manifest = settings.dryRun ? Manifest.openReadOnly(settings.manifestPath, identity) : Manifest.open(settings.manifestPath, identity);

  const s: ScanSummary = {
    mode: target.kind,
    source: target.kind === 's3' ? `s3://${target.bucket}/${target.prefix}` : target.root,
    bucket: target.bucket,
    prefix: target.prefix,
    queueUrl: settings.queueUrl,
    manifest: manifest.path,
    dryRun: settings.dryRun,
    full: settings.full,
    ratePerMin: settings.ratePerMin ?? null,
    listed: 0,
    new: 0,
    changed: 0,
    unchanged: 0,
    deleted: 0,
    uploaded: 0,
    uploadedBytes: 0,
    enqueued: 0,
    enqueuedUpserts: 0,
    enqueuedDeletes: 0,
    planned: 0,
    failed: 0,
    failures: [],
    seconds: 0,
    filesPerMin: 0,
  };
  let phase: ScanProgress['phase'] = 'listing';
  let toSend = 0;
  const progress = () =>
    hooks.onProgress?.({ phase, listed: s.listed, toSend, enqueued: s.enqueued, failed: s.failed, elapsedMs: performance.now() - started });
  const fail = (key: string, stage: ScanFailure['stage'], reason: string) => {
    s.failed++;
    if (s.failures.length < MAX_LISTED_FAILURES) s.failures.push({ key, stage, reason });
  };

  const pacer = settings.ratePerMin !== undefined ? new Pacer(settings.ratePerMin) : undefined;
  const sender = new BatchSender<Outbound>({
    send: deps.sendBatch ?? sqsSendBatch(deps.sqs, settings.queueUrl),
    batchSize: pacer?.batchSize(),
    concurrency: settings.concurrency,
    pacer,
    signal,
    lingerMs: target.kind === 'local' ? 1000 : undefined,
    onAccepted: (items) => {
      for (const it of items) {
        if (it.op === 'upsert') {
          manifest.put(it.row);
          s.enqueuedUpserts++;
        } else {
          manifest.remove(it.key);
          s.enqueuedDeletes++;
        }
        s.enqueued++;
      }
      progress();
    },
    onFailed: (it, reason) => fail(it.op === 'upsert' ? it.row.key : it.key, it.op, reason),
  });
  const writer = target.kind === 'local' ? new ObjectWriter(deps.s3, { bucket: target.bucket, partBytes: settings.partBytes, partsInFlight: 2 }) : undefined;

  // Local paths that could not be listed: their keys must not be taken for deleted files.
  const unlisted: string[] = [];
  const entries =
    target.kind === 's3'
      ? listBucket(deps.s3, target.bucket, target.prefix, signal)
      : listFolder(target.root, target.prefix, {
          excludePaths: [settings.manifestPath, `${settings.manifestPath}-journal`],
          signal,
          onUnlistable: (rel, reason) => {
            unlisted.push(rel === '.' ? '' : `${target.prefix}${rel}`);
            fail(`${target.prefix}${rel === '.' ? '' : rel}`, 'list', reason);
          },
        });

  const handle = async (entry: ScanEntry): Promise<void> => {
    signal?.throwIfAborted();
    s.listed++;
    if (Buffer.byteLength(entry.key) > MAX_KEY_BYTES) {
      fail(entry.key, 'upsert', `key is longer than ${MAX_KEY_BYTES} bytes`);
      return;
    }
    const change = classify(entry, manifest.get(entry.key));
    manifest.markSeen(entry.key);
    s[change]++;
    if (change === 'unchanged' && !settings.full) return progress();
    toSend++;
    if (settings.dryRun) {
      s.planned++;
      hooks.onPlanned?.(
        entry.path !== undefined
          ? { op: 'upsert', key: entry.key, change, size: entry.size, upload: entry.path }
          : { op: 'upsert', key: entry.key, change, size: entry.size, etag: entry.etag, lastModified: iso(entry.mtimeMs) },
      );
      return progress();
    }
    let row: ManifestRow;
    if (writer && entry.path !== undefined) {
      try {
        const o = await writer.upload(entry.path, entry.key, signal);
        row = { key: entry.key, etag: o.etag, size: o.size, lastModifiedMs: o.lastModifiedMs, sourceMtimeMs: entry.mtimeMs };
      } catch (err) {
        signal?.throwIfAborted();
        fail(entry.key, 'upload', errorMessage(err));
        return progress();
      }
      s.uploaded++;
      s.uploadedBytes += row.size;
    } else {
      row = { key: entry.key, etag: entry.etag ?? '', size: entry.size, lastModifiedMs: entry.mtimeMs };
    }
    const message: FileMessage = {
      v: MESSAGE_VERSION,
      op: 'upsert',
      bucket: target.bucket,
      key: row.key,
      size: row.size,
      etag: row.etag,
      lastModified: iso(row.lastModifiedMs),
    };
    await sender.add(serializeFileMessage(message), { op: 'upsert', row });
    progress();
  };

  const sendDeletes = async (): Promise<void> => {
    phase = 'deleting';
    if (unlisted.includes('')) {
      s.deletesSkipped = 'the folder itself could not be listed';
      return;
    }
    if (unlisted.length > 0) s.deletesSkipped = `keys under ${unlisted.length} path(s) that could not be listed were kept`;
    const kept = (key: string) => unlisted.some((p) => key === p || key.startsWith(`${p}/`));
    for (const page of manifest.gone()) {
      signal?.throwIfAborted();
      const gone = page.filter((k) => !kept(k));
      s.deleted += gone.length;
      toSend += gone.length;
      if (settings.dryRun) {
        s.planned += gone.length;
        for (const key of gone) hooks.onPlanned?.({ op: 'delete', key });
        continue;
      }
      let removed = gone;
      if (writer) {
        const r = await writer.deleteKeys(gone, signal);
        for (const f of r.failed) fail(f.key, 'remove', f.reason);
        removed = r.deleted;
      }
      for (const key of removed) {
        await sender.add(serializeFileMessage({ v: MESSAGE_VERSION, op: 'delete', bucket: target.bucket, key }), { op: 'delete', key });
      }
      progress();
    }
  };

  const finish = () => {
    s.seconds = round((performance.now() - started) / 1000, 2);
    s.filesPerMin = s.seconds > 0 ? Math.round((s.enqueued * 60) / s.seconds) : 0;
    if (!settings.dryRun) manifest.setMeta('last_run', JSON.stringify({ at: new Date().toISOString(), ...pick(s) }));
  };

  try {
    // Listing order is kept in S3 mode (one lane); local mode uploads several files at once.
    await forEachConcurrent(entries, target.kind === 'local' ? settings.concurrency : 1, handle);
    await sendDeletes();
    signal?.throwIfAborted();
    await sender.flush();
    manifest.flush();
    finish();
    return s;
  } catch (err) {
    const reason = signal?.aborted ? `interrupted (${errorMessage(signal.reason)})` : errorMessage(err);
    await sender.settle(reason);
    manifest.flush();
    s.aborted = reason;
    finish();
    throw new ScanAbortedError(s, { cause: err });
  } finally {
    manifest.close();
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function pick(s: ScanSummary) {
  const { listed, new: added, changed, unchanged, deleted, enqueued, failed, seconds, aborted } = s;
  return { listed, new: added, changed, unchanged, deleted, enqueued, failed, seconds, aborted };
}
