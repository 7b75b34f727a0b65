import { z } from 'zod';
import { optionalNumber, parseSettings } from '../../config/parse';
import { defaultManifestPath } from './manifest';
import type { ScanSettings } from './run-scan';
import { parseScanTarget } from './target';

/** The command line as commander hands it over (numbers still strings: validated here, with the rest). */
export interface ScanCommandOptions {
  queueUrl?: string;
  bucket?: string;
  prefix?: string;
  rate?: string;
  concurrency?: string;
  dryRun?: boolean;
  full?: boolean;
  manifest?: string;
  json?: boolean;
}

const MiB = 1024 * 1024;

const schema = z.object({
  '--queue-url': z
    .string({ message: 'required: the SQS queue to send file messages to (--queue-url or CIS_QUEUE_URL)' })
    .pipe(z.url({ protocol: /^https?$/, message: 'expected an http(s) SQS queue URL, e.g. https://sqs.ap-northeast-1.amazonaws.com/123456789012/cis-ingest' })),
  '--rate': optionalNumber(z.number({ message: 'expected a positive number of files per minute' }).positive({ message: 'expected a positive number of files per minute' })),
  '--concurrency': optionalNumber(z.number({ message: 'expected a whole number from 1 to 64' }).int().min(1).max(64)),
  CIS_UPLOAD_PART_MB: optionalNumber(z.number({ message: 'expected a number of MiB from 5 to 5120' }).min(5).max(5120)),
});

/**
 * Validates the whole command line once, before any request: target, queue, numbers, manifest.
 * Throws UsageError / ConfigError naming the option (exit 2).
 */
export function scanSettings(
  targetArg: string,
  opts: ScanCommandOptions,
  env: NodeJS.ProcessEnv,
  resolvePath: (p: string) => string,
): ScanSettings {
  const target = parseScanTarget(targetArg, { bucket: opts.bucket, prefix: opts.prefix }, env, resolvePath);
  const s = parseSettings(
    schema,
    {
      '--queue-url': opts.queueUrl ?? (env.CIS_QUEUE_URL || undefined),
      '--rate': opts.rate,
      '--concurrency': opts.concurrency,
      CIS_UPLOAD_PART_MB: env.CIS_UPLOAD_PART_MB,
    },
    'scan settings',
  );
  const queueUrl = s['--queue-url'];
  return {
    target,
    queueUrl,
    manifestPath: opts.manifest !== undefined ? resolvePath(opts.manifest) : defaultManifestPath(queueUrl, target.bucket, target.prefix, env),
    full: opts.full ?? false,
    dryRun: opts.dryRun ?? false,
    ratePerMin: s['--rate'],
    concurrency: s['--concurrency'] ?? 8,
    partBytes: Math.round((s.CIS_UPLOAD_PART_MB ?? 16) * MiB),
  };
}
