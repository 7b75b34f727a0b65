/**
 * Benchmark of `cis scan` on the testbed: enqueue throughput (S3 mode, local mode), the rate
 * limit, and the manifest's diff at scale. Prints figures only; asserts nothing.
 *
 *   pnpm testbed up --dir /tmp/scan-bench && set -a && . /tmp/scan-bench/env && set +a
 *   pnpm bench:scan
 *   pnpm testbed down --dir /tmp/scan-bench
 *
 * Run it on a testbed of its own: S3Mock rewrites a bucket's whole key index on every write, so
 * a put costs more the more objects the bucket holds (~50 puts/s empty, ~35/s at 2500 objects
 * here) and deleting thousands takes minutes. The bench therefore puts its BENCH_OBJECTS
 * (default 3000) into a bucket of its own and leaves them for `testbed down` to remove; it
 * measures the enqueue rate over repeated --full runs of those objects. BENCH_LOCAL_FILES
 * (default 500) small files go through local mode; BENCH_MANIFEST_KEYS (default 1000000)
 * synthetic keys measure the manifest without AWS. Queues and temp files are removed.
 *
 * BENCH_SEED=direct (for large BENCH_OBJECTS, e.g. 100000): the objects are written straight into
 * the store of an S3Mock the bench starts for itself (bench/s3mock-direct.ts; ~seconds instead of
 * an hour), and only the 8-in-flight first run, the unchanged re-scan and --full run are timed
 * (BENCH_CONCURRENCY, default 1,4,8,16 via the API and 8 when direct). The bench stops if the
 * listing does not return exactly BENCH_OBJECTS keys.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, createQueuePair, testbedEnv, uniqueName } from '@cis/testbed';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedStore, startS3MockOn, type DirectS3Mock } from './s3mock-direct';
import { forEachConcurrent } from '../src/core/concurrency';
import { classify } from '../src/programs/scanner/diff';
import { listBucket } from '../src/adapters/s3/bucket-listing';
import { Manifest } from '../src/programs/scanner/manifest';
import { runScan, type ScanSettings, type ScanSummary } from '../src/programs/scanner/run-scan';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 3000);
const LOCAL_FILES = Number(process.env.BENCH_LOCAL_FILES ?? 500);
const MANIFEST_KEYS = Number(process.env.BENCH_MANIFEST_KEYS ?? 1_000_000);
const DIRECT = process.env.BENCH_SEED === 'direct';
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? (DIRECT ? '8' : '1,4,8,16')).split(',').map(Number);
const MiB = 1024 * 1024;

const tb = testbedEnv();
const sqs = new SQSClient(awsClientConfig('sqs'));
let s3 = new S3Client(awsClientConfig('s3'));

function line(label: string, s: ScanSummary): void {
  const objectsPerMin = s.seconds > 0 ? Math.round((s.listed * 60) / s.seconds) : 0;
  console.log(
    `${label.padEnd(44)} listed ${String(s.listed).padStart(6)}  enqueued ${String(s.enqueued).padStart(6)}  ` +
      `failed ${s.failed}  ${s.seconds.toFixed(2).padStart(7)} s  ${String(s.filesPerMin).padStart(8)} files/min` +
      `  ${String(objectsPerMin).padStart(8)} objects/min` +
      `  (rss ${Math.round(process.memoryUsage().rss / MiB)} MiB)`,
  );
}

async function visible(queueUrl: string): Promise<number> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'cis-scan-bench-'));
  const bucket = uniqueName('scan-bench');
  const prefix = 'bench/';
  const keys = Array.from({ length: OBJECTS }, (_, i) => `${prefix}dir-${String(i % 100).padStart(3, '0')}/file-${String(i).padStart(7, '0')}.pdf`);
  const body = (key: string) => Buffer.from(`bench ${key}`);
  let direct: DirectS3Mock | undefined;
  let t = performance.now();
  const queues: string[] = [];
  const queue = async (name: string) => {
    const q = await createQueuePair(sqs, uniqueName(name));
    queues.push(q.queueUrl, q.dlqUrl);
    return q.queueUrl;
  };
  const settings = (queueUrl: string, extra: Partial<ScanSettings> = {}): ScanSettings => ({
    target: { kind: 's3', bucket, prefix },
    queueUrl,
    manifestPath: join(work, `${uniqueName('m')}.sqlite`),
    full: false,
    dryRun: false,
    concurrency: 8,
    partBytes: 16 * MiB,
    ...extra,
  });
  try {
    if (DIRECT) {
      const testbedDir = process.env.CIS_TESTBED_DIR;
      if (!testbedDir) throw new Error('BENCH_SEED=direct needs CIS_TESTBED_DIR (source the testbed env file)');
      const root = join(work, 's3');
      await seedStore(root, bucket, keys, body);
      const seeded = (performance.now() - t) / 1000;
      t = performance.now();
      direct = await startS3MockOn(testbedDir, work, root, bucket);
      s3.destroy();
      s3 = new S3Client({ ...awsClientConfig('s3'), endpoint: direct.endpoint });
      console.log(
        `setup: wrote ${OBJECTS} objects into the store of a private S3Mock in ${seeded.toFixed(1)} s, ` +
          `S3Mock started on them in ${((performance.now() - t) / 1000).toFixed(1)} s (${direct.endpoint})`,
      );
    } else {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    }
    // The rate-limit and local-mode runs put their objects in a small bucket of their own: a PUT
    // into the big one would rewrite its whole key index.
    const aux = uniqueName('scan-bench-aux');
    await s3.send(new CreateBucketCommand({ Bucket: aux }));
    console.log(
      `cis scan benchmark: testbed ${tb.sqsEndpoint} (ElasticMQ) + ${direct?.endpoint ?? tb.s3Endpoint} (S3Mock${DIRECT ? ', private, seeded directly' : ''}), ` +
        `bucket ${bucket}, ${OBJECTS} objects\n`,
    );
    if (!DIRECT) {
      await forEachConcurrent(keys, 16, async (key) => {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body(key) }));
      });
      console.log(`setup: put ${OBJECTS} objects in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    t = performance.now();
    let listed = 0;
    let pageStart = performance.now();
    let slowestPage = 0;
    for await (const _ of listBucket(s3, bucket, prefix)) {
      if (++listed % 1000 === 0) {
        slowestPage = Math.max(slowestPage, performance.now() - pageStart);
        pageStart = performance.now();
      }
    }
    const listS = (performance.now() - t) / 1000;
    console.log(
      `listing alone (ListObjectsV2, 1000 per page): ${listed} keys in ${listS.toFixed(2)} s ` +
        `(${Math.round((listed * 60) / listS)} objects/min; ${((listS * 1000) / Math.ceil(listed / 1000)).toFixed(0)} ms per page, slowest ${slowestPage.toFixed(0)} ms)\n`,
    );
    if (listed !== OBJECTS) throw new Error(`the listing returned ${listed} keys, not the ${OBJECTS} put: stopping`);

    // S3 mode: first run (everything new), at 1, 4, 8 and 16 SendMessageBatch calls in flight.
    for (const concurrency of CONCURRENCY) {
      const q = await queue('bench');
      const first = settings(q, { concurrency });
      const s = await runScan({ s3, sqs }, first);
      line(`S3 first run, ${concurrency} batch(es) in flight`, s);
      if (concurrency === 8) {
        console.log(`  manifest after the first run: ${(await stat(first.manifestPath)).size} bytes (${Math.round((await stat(first.manifestPath)).size / OBJECTS)} bytes/key)`);
        line('S3 second run, nothing changed', await runScan({ s3, sqs }, first));
        line('S3 --full run, 8 in flight', await runScan({ s3, sqs }, { ...first, full: true }));
        console.log(`  queue now holds ${await visible(q)} messages (${OBJECTS} + ${OBJECTS} expected)`);
      }
    }
    console.log(`peak RSS of the bench process so far (S3 runs over ${OBJECTS} objects): ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);

    // The rate limit, over smaller sets of their own.
    for (const [rate, n] of [
      [100, 20],
      [600, 100],
      [6000, 500],
    ] as const) {
      const sub = `rate-${rate}/`;
      await forEachConcurrent(Array.from({ length: n }, (_, i) => `${sub}f${i}.txt`), 16, async (key) => {
        await s3.send(new PutObjectCommand({ Bucket: aux, Key: key, Body: Buffer.from(key) }));
      });
      const q = await queue('bench-rate');
      const s = await runScan({ s3, sqs }, { ...settings(q, { ratePerMin: rate }), target: { kind: 's3', bucket: aux, prefix: sub } });
      line(`S3 --rate ${rate}`, s);
    }

    // Local mode: small files uploaded then enqueued.
    const folder = join(work, 'folder');
    for (let d = 0; d < 20; d++) await mkdir(join(folder, `d${d}`), { recursive: true });
    for (let i = 0; i < LOCAL_FILES; i++) await writeFile(join(folder, `d${i % 20}`, `f${i}.txt`), `local file ${i} `.repeat(50));
    const lq = await queue('bench-local');
    const local: ScanSettings = { ...settings(lq), target: { kind: 'local', root: folder, bucket: aux, prefix: 'local/' } };
    line(`local first run (${LOCAL_FILES} × ~1 KB, 8 uploads at once)`, await runScan({ s3, sqs }, local));
    line('local second run, nothing changed', await runScan({ s3, sqs }, local));

    // The manifest at scale, without AWS: a first run's writes (seen mark + row per key), then a
    // run's per-key work (lookup, classify, seen mark) and the gone query. Keys in S3's listing
    // order (sorted); 1 % changed, 0.1 % gone.
    const mpath = join(work, 'big.sqlite');
    const identity = { queueUrl: 'q', bucket: 'b', prefix: '', source: 's3' };
    const manifestKeys = Array.from({ length: MANIFEST_KEYS }, (_, i) => `部署-${i % 500}/案件-${i % 7919}/file-${String(i).padStart(8, '0')}.pdf`).sort();
    const etag = 'd41d8cd98f00b204e9800998ecf8427e';
    let m = Manifest.open(mpath, identity);
    t = performance.now();
    for (const k of manifestKeys) {
      m.markSeen(k);
      m.put({ key: k, etag, size: k.length, lastModifiedMs: 1_700_000_000_000 });
    }
    m.close();
    const fill = (performance.now() - t) / 1000;
    m = Manifest.open(mpath, identity);
    t = performance.now();
    let changed = 0;
    manifestKeys.forEach((k, i) => {
      if (i % 1000 === 0) return;
      if (classify({ key: k, size: k.length, mtimeMs: 0, etag: i % 100 === 0 ? 'other' : etag }, m.get(k)) !== 'unchanged') changed++;
      m.markSeen(k);
    });
    const diff = (performance.now() - t) / 1000;
    t = performance.now();
    let gone = 0;
    for (const page of m.gone()) gone += page.length;
    const goneS = (performance.now() - t) / 1000;
    m.close();
    const size = (await stat(mpath)).size;
    console.log(
      `\nmanifest, ${MANIFEST_KEYS} keys: first run's writes ${fill.toFixed(1)} s (${Math.round(MANIFEST_KEYS / fill / 1000)}k keys/s); ` +
        `next run's diff ${diff.toFixed(1)} s (${Math.round(MANIFEST_KEYS / diff / 1000)}k keys/s; ${changed} changed); gone query ${goneS.toFixed(2)} s (${gone} keys); ` +
        `file ${Math.round(size / MiB)} MiB (${Math.round(size / MANIFEST_KEYS)} bytes/key); rss ${Math.round(process.memoryUsage().rss / MiB)} MiB`,
    );
  } finally {
    for (const q of queues) await sqs.send(new DeleteQueueCommand({ QueueUrl: q })).catch(() => {});
    await direct?.stop();
    await rm(work, { recursive: true, force: true });
    sqs.destroy();
    s3.destroy();
  }
}

void main();
