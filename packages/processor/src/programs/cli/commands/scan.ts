import type { Command } from 'commander';
import { checkBucket, checkQueue } from '../../scanner/preflight';
import { createScanClients } from '../../scanner/clients';
import { createScanProgress } from '../../scanner/progress';
import { formatPlanned, formatSummary } from '../../scanner/report';
import { runScan, ScanAbortedError, type ScanSummary } from '../../scanner/run-scan';
import { scanSettings, type ScanCommandOptions } from '../../scanner/settings';
import { log } from '../../../core/log';
import { userPath } from '../paths';

export function register(program: Command): void {
  program
    .command('scan')
    .description('enqueue one SQS message per file for the worker fleet: all files once, then only new, changed and deleted ones')
    .argument('<source>', 's3://bucket/prefix (objects already in S3) or a local folder (uploaded to --bucket first)')
    .option('--queue-url <url>', 'SQS queue to send to (default: $CIS_QUEUE_URL)')
    .option('--bucket <name>', 'local folder: the bucket to upload to (default: $CIS_BUCKET); S3: must match the location')
    .option('--prefix <prefix>', 'key prefix (local folder: keys are prefix/relative-path; S3: if the location has none)')
    .option('--rate <files-per-min>', 'send at most this many messages per minute (default: unlimited)')
    .option('--concurrency <n>', 'SendMessageBatch calls (and local uploads) in flight (default: 8)')
    .option('--dry-run', 'list what would be sent; send, upload and record nothing')
    .option('--full', 'enqueue every file, not only new and changed ones')
    .option('--manifest <file>', 'the manifest of this scan (default: one per queue + bucket + prefix under ~/.local/state/cis/scan)')
    .option('--json', 'print the summary as one JSON object on stdout (dry run: each planned message first, one per line)')
    .action((source: string, opts: ScanCommandOptions) => scan(source, opts));
}

async function scan(sourceArg: string, opts: ScanCommandOptions): Promise<void> {
  const settings = scanSettings(sourceArg, opts, process.env, userPath);
  const { s3, sqs } = createScanClients();
  const abort = new AbortController();
  // `on`, not `once`: a terminal's Ctrl-C can arrive twice (directly and relayed by tsx/pnpm),
  // and a second, unhandled one would kill the run before it prints what it enqueued.
  const onSignal = (signal: NodeJS.Signals) => abort.abort(new Error(`${signal} received`));
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  const progress = createScanProgress();
  const out = (s: string) => process.stdout.write(s);
  try {
    const where = settings.target.kind === 's3' ? `the S3 location ${sourceArg}` : opts.bucket !== undefined ? '--bucket' : 'CIS_BUCKET';
    await checkBucket(s3, settings.target.bucket, where);
    await checkQueue(sqs, settings.queueUrl, opts.queueUrl !== undefined ? '--queue-url' : 'CIS_QUEUE_URL');
    const workerBucket = process.env.CIS_BUCKET;
    if (settings.target.kind === 's3' && workerBucket && workerBucket !== settings.target.bucket) {
      log.warn({ bucket: settings.target.bucket, CIS_BUCKET: workerBucket }, 'workers that read CIS_BUCKET refuse messages for another bucket');
    }
    let summary: ScanSummary;
    try {
      summary = await runScan({ s3, sqs }, settings, {
        signal: abort.signal,
        onProgress: progress.update,
        onPlanned: (m) => out(opts.json ? `${JSON.stringify({ planned: m })}\n` : formatPlanned(m)),
      });
    } catch (err) {
      if (!(err instanceof ScanAbortedError)) throw err;
      progress.stop();
      out(opts.json ? `${JSON.stringify(err.summary)}\n` : formatSummary(err.summary));
      throw err;
    }
    progress.stop();
    out(opts.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    s3.destroy();
    sqs.destroy();
  }
}
