import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, UsageError } from '../../core/errors';
import { scanSettings } from './settings';

const QUEUE = 'https://sqs.ap-northeast-1.amazonaws.com/123456789012/cis-ingest';

describe('scanSettings', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cis-scan-settings-'));
    writeFileSync(join(dir, 'file.txt'), 'x');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { CIS_QUEUE_URL: QUEUE, CIS_SCAN_STATE_DIR: '/state' };
  const settings = (target: string, opts = {}, e: NodeJS.ProcessEnv = env) => scanSettings(target, opts, e, (p) => resolve(dir, p));

  it('reads s3://bucket/prefix, the queue from CIS_QUEUE_URL and the defaults', () => {
    const s = settings('s3://cis-source/docs/2024');
    expect(s.target).toEqual({ kind: 's3', bucket: 'cis-source', prefix: 'docs/2024' });
    expect(s.queueUrl).toBe(QUEUE);
    expect(s).toMatchObject({ full: false, dryRun: false, ratePerMin: undefined, concurrency: 8, partBytes: 16 * 1024 * 1024 });
    expect(s.manifestPath).toMatch(/^\/state\/cis-source-docs_2024-[0-9a-f]{12}\.sqlite$/);
    expect(settings('s3://cis-source').target).toEqual({ kind: 's3', bucket: 'cis-source', prefix: '' });
    expect(settings('s3://cis-source', { prefix: 'scans/' }).target).toEqual({ kind: 's3', bucket: 'cis-source', prefix: 'scans/' });
  });

  it('reads a local folder: bucket from --bucket or CIS_BUCKET, prefix made a folder', () => {
    const s = settings('.', { bucket: 'cis-source', prefix: 'uploads' });
    expect(s.target).toEqual({ kind: 'local', root: dir, bucket: 'cis-source', prefix: 'uploads/' });
    expect(settings('.', {}, { ...env, CIS_BUCKET: 'from-env' }).target).toMatchObject({ bucket: 'from-env', prefix: '' });
  });

  it('takes the options over the environment and parses the numbers', () => {
    const s = settings('s3://b-1/p', { queueUrl: 'http://127.0.0.1:9324/000000000000/q', rate: '100', concurrency: '8', manifest: 'm.sqlite', full: true, dryRun: true });
    expect(s).toMatchObject({ queueUrl: 'http://127.0.0.1:9324/000000000000/q', ratePerMin: 100, concurrency: 8, full: true, dryRun: true, manifestPath: join(dir, 'm.sqlite') });
    expect(settings('s3://b-1/p', {}, { ...env, CIS_UPLOAD_PART_MB: '5' }).partBytes).toBe(5 * 1024 * 1024);
  });

  it.each([
    ['s3:/cis-source/x', /malformed S3 location/],
    ['s3://', /malformed S3 location/],
    ['s3:///docs', /malformed S3 location/],
    ['s3://Cis_Source/docs', /invalid bucket name "Cis_Source"/],
    ['s3://ab/docs', /invalid bucket name "ab"/],
    ['s3://cis-source//docs', /must not start with '\/'/],
    ['does-not-exist', /not a directory: does-not-exist/],
    ['file.txt', /not a directory: file.txt/],
  ])('refuses the target %s', (target, message) => {
    expect(() => settings(target)).toThrow(UsageError);
    expect(() => settings(target)).toThrow(message);
  });

  it('refuses --bucket or --prefix that contradict the S3 location', () => {
    expect(() => settings('s3://cis-source/a', { bucket: 'other' })).toThrow(/--bucket other contradicts/);
    expect(() => settings('s3://cis-source/a', { prefix: 'b' })).toThrow(/--prefix b contradicts/);
    expect(settings('s3://cis-source/a', { bucket: 'cis-source', prefix: 'a' }).target).toMatchObject({ prefix: 'a' });
  });

  it('needs a bucket for a local folder', () => {
    expect(() => settings('.')).toThrow(/set --bucket or CIS_BUCKET/);
    expect(() => settings('.', { bucket: 'Bad_Bucket' })).toThrow(/invalid bucket name "Bad_Bucket" in --bucket/);
  });

  it.each([['-5'], ['0'], ['abc'], ['1e']])('refuses --rate %s, naming the option', (rate) => {
    expect(() => settings('s3://cis-source', { rate })).toThrow(ConfigError);
    expect(() => settings('s3://cis-source', { rate })).toThrow('--rate: expected a positive number of files per minute');
  });

  it('refuses a missing or malformed queue URL, a bad concurrency or part size', () => {
    expect(() => settings('s3://cis-source', {}, {})).toThrow(/--queue-url: required: .*CIS_QUEUE_URL/);
    expect(() => settings('s3://cis-source', { queueUrl: 'cis-ingest' })).toThrow(/--queue-url: expected an http\(s\) SQS queue URL/);
    expect(() => settings('s3://cis-source', { concurrency: '0' })).toThrow(/--concurrency/);
    expect(() => settings('s3://cis-source', {}, { ...env, CIS_UPLOAD_PART_MB: '1' })).toThrow(/CIS_UPLOAD_PART_MB/);
  });
});
