import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { forEachConcurrent } from '../../core/concurrency';
import { errorMessage } from '../../core/errors';
import { MESSAGE_VERSION, serializeFileMessage } from '../../core/file-message';
import { BatchSender, sqsSendBatch, type SendBatch } from './batch-sender';
import { classify, type ScanEntry } from './diff';
import { Manifest, type ManifestRow } from './manifest';
import { Pacer } from './pacer';
import { iso, scanSourceFor, type PlannedMessage, type ScanSource } from './scan-source';
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
  const source = scanSourceFor(settings.target, {
    s3: deps.s3,
    excludePaths: [settings.manifestPath, `${settings.manifestPath}-journal`],
    partBytes: settings.partBytes,
  });
  return new ScanRun(deps, settings, source, hooks).run();
}

/** The state of one run: its counts (the summary), the manifest, the sender and progress reporting. */
class ScanRun {
  private readonly started = performance.now();
  private readonly manifest: Manifest;
  private readonly sender: BatchSender<Outbound>;
  private readonly s: ScanSummary;
  private phase: ScanProgress['phase'] = 'listing';
  private toSend = 0;

  constructor(
    deps: ScanDeps,
    private readonly settings: ScanSettings,
    private readonly source: ScanSource,
    private readonly hooks: ScanHooks,
  ) {
    const { target } = settings;
    const identity = { queueUrl: settings.queueUrl, bucket: target.bucket, prefix: target.prefix, source: source.identity };
    this.manifest = settings.dryRun ? Manifest.openReadOnly(settings.manifestPath, identity) : Manifest.open(settings.manifestPath, identity);
    this.s = {
      mode: source.mode,
      source: source.description,
      bucket: target.bucket,
      prefix: target.prefix,
      queueUrl: settings.queueUrl,
      manifest: this.manifest.path,
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
    const pacer = settings.ratePerMin !== undefined ? new Pacer(settings.ratePerMin) : undefined;
    this.sender = new BatchSender<Outbound>({
      send: deps.sendBatch ?? sqsSendBatch(deps.sqs, settings.queueUrl),
      batchSize: pacer?.batchSize(),
      concurrency: settings.concurrency,
      pacer,
      signal: hooks.signal,
      lingerMs: source.lingerMs,
      onAccepted: (items) => this.accepted(items),
      onFailed: (it, reason) => this.fail(it.op === 'upsert' ? it.row.key : it.key, it.op, reason),
    });
  }

  async run(): Promise<ScanSummary> {
    const { signal } = this.hooks;
    try {
      const entries = this.source.list(signal, (key, reason) => this.fail(key, 'list', reason));
      await forEachConcurrent(entries, this.source.lanes(this.settings.concurrency), (entry) => this.handle(entry));
      await this.sendDeletes();
      signal?.throwIfAborted();
      await this.sender.flush();
      this.manifest.flush();
      this.finish();
      return this.s;
    } catch (err) {
      const reason = signal?.aborted ? `interrupted (${errorMessage(signal.reason)})` : errorMessage(err);
      await this.sender.settle(reason);
      this.manifest.flush();
      this.s.aborted = reason;
      this.finish();
      throw new ScanAbortedError(this.s, { cause: err });
    } finally {
      this.manifest.close();
    }
  }

  private async handle(entry: ScanEntry): Promise<void> {
    const { s, manifest, settings } = this;
    const { signal } = this.hooks;
    signal?.throwIfAborted();
    s.listed++;
    if (Buffer.byteLength(entry.key) > MAX_KEY_BYTES) {
      this.fail(entry.key, 'upsert', `key is longer than ${MAX_KEY_BYTES} bytes`);
      return;
    }
    const change = classify(entry, manifest.get(entry.key));
    manifest.markSeen(entry.key);
    s[change]++;
    if (change === 'unchanged' && !settings.full) return this.progress();
    this.toSend++;
    if (settings.dryRun) {
      s.planned++;
      this.hooks.onPlanned?.(this.source.planned(entry, change));
      return this.progress();
    }
    let row: ManifestRow;
    try {
      const staged = await this.source.stage(entry, signal);
      row = staged.row;
      if (staged.uploaded) {
        s.uploaded++;
        s.uploadedBytes += row.size;
      }
    } catch (err) {
      signal?.throwIfAborted();
      this.fail(entry.key, 'upload', errorMessage(err));
      return this.progress();
    }
    const message = serializeFileMessage({
      v: MESSAGE_VERSION,
      op: 'upsert',
      bucket: settings.target.bucket,
      key: row.key,
      size: row.size,
      etag: row.etag,
      lastModified: iso(row.lastModifiedMs),
    });
    await this.sender.add(message, { op: 'upsert', row });
    this.progress();
  }

  private async sendDeletes(): Promise<void> {
    const { s, settings } = this;
    const { signal } = this.hooks;
    this.phase = 'deleting';
    const unlisted = this.source.unlisted;
    if (unlisted.includes('')) {
      s.deletesSkipped = 'the folder itself could not be listed';
      return;
    }
    if (unlisted.length > 0) s.deletesSkipped = `keys under ${unlisted.length} path(s) that could not be listed were kept`;
    const kept = (key: string) => unlisted.some((p) => key === p || key.startsWith(`${p}/`));
    for (const page of this.manifest.gone()) {
      signal?.throwIfAborted();
      const gone = page.filter((k) => !kept(k));
      s.deleted += gone.length;
      this.toSend += gone.length;
      if (settings.dryRun) {
        s.planned += gone.length;
        for (const key of gone) this.hooks.onPlanned?.({ op: 'delete', key });
        continue;
      }
      const removed = await this.source.remove(gone, signal);
      for (const f of removed.failed) this.fail(f.key, 'remove', f.reason);
      for (const key of removed.deleted) {
        await this.sender.add(serializeFileMessage({ v: MESSAGE_VERSION, op: 'delete', bucket: settings.target.bucket, key }), { op: 'delete', key });
      }
      this.progress();
    }
  }

  /** SQS took these messages: only now do their manifest rows change. */
  private accepted(items: Outbound[]): void {
    for (const it of items) {
      if (it.op === 'upsert') {
        this.manifest.put(it.row);
        this.s.enqueuedUpserts++;
      } else {
        this.manifest.remove(it.key);
        this.s.enqueuedDeletes++;
      }
      this.s.enqueued++;
    }
    this.progress();
  }

  private fail(key: string, stage: ScanFailure['stage'], reason: string): void {
    this.s.failed++;
    if (this.s.failures.length < MAX_LISTED_FAILURES) this.s.failures.push({ key, stage, reason });
  }

  private progress(): void {
    const { s } = this;
    this.hooks.onProgress?.({ phase: this.phase, listed: s.listed, toSend: this.toSend, enqueued: s.enqueued, failed: s.failed, elapsedMs: performance.now() - this.started });
  }

  private finish(): void {
    const { s } = this;
    s.seconds = round((performance.now() - this.started) / 1000, 2);
    s.filesPerMin = s.seconds > 0 ? Math.round((s.enqueued * 60) / s.seconds) : 0;
    if (!this.settings.dryRun) this.manifest.setMeta('last_run', JSON.stringify({ at: new Date().toISOString(), ...pick(s) }));
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function pick(s: ScanSummary) {
  const { listed, new: added, changed, unchanged, deleted, enqueued, failed, seconds, aborted } = s;
  return { listed, new: added, changed, unchanged, deleted, enqueued, failed, seconds, aborted };
}
