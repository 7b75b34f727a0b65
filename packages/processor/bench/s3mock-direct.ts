/**
 * A bucket of N objects on an S3Mock of the bench's own, written straight into S3Mock's store
 * instead of through its API (BENCH_SEED=direct). Through the API each PUT rewrites the bucket's
 * whole key index (bucketMetadata.json), so 100,000 objects would take most of an hour.
 *
 * Why a private S3Mock and not the testbed's: S3Mock reads bucketMetadata.json from disk on each
 * listing, but keeps an in-memory lock per object id, filled only by its own PUTs and by the
 * store it loads at start-up; a listing that meets an id written behind its back fails with a
 * NullPointerException (seen here). So the files are written first and S3Mock is started on
 * them, with the testbed's own command line (same jars, same JVM flags), on free ports.
 *
 * The layout is the one S3Mock writes itself after a PUT: <root>/<bucket>/bucketMetadata.json
 * with its key → id map, and <root>/<bucket>/<id>/{binaryData,objectMetadata.json}.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { KeeperConfig } from '@cis/testbed/src/layout';
import { freePorts } from '@cis/testbed/src/ports';
import { serverSpecs } from '@cis/testbed/src/servers';
import { forEachConcurrent } from '../src/core/concurrency';

export interface DirectS3Mock {
  endpoint: string;
  stop(): Promise<void>;
}

/** Writes `keys` (each object's body from `body(key)`) as bucket `bucket` under `root`. */
export async function seedStore(root: string, bucket: string, keys: string[], body: (key: string) => Buffer): Promise<void> {
  const dir = join(root, bucket);
  await mkdir(dir, { recursive: true });
  const objects: Record<string, string> = {};
  const now = Date.now();
  await forEachConcurrent(keys, 64, async (key) => {
    const id = randomUUID();
    objects[key] = id;
    const data = body(key);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(data));
    await mkdir(join(dir, id));
    await writeFile(join(dir, id, 'binaryData'), data);
    await writeFile(
      join(dir, id, 'objectMetadata.json'),
      JSON.stringify({
        id,
        key,
        size: String(data.length),
        modificationDate: new Date(now).toISOString(),
        etag: `"${createHash('md5').update(data).digest('hex')}"`,
        contentType: 'application/octet-stream',
        lastModified: now,
        dataPath: `file://${join(dir, id, 'binaryData')}`,
        userMetadata: {},
        tags: [],
        legalHold: null,
        retention: null,
        owner: { DisplayName: 's3-mock-file-store', ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' },
        storeHeaders: {},
        encryptionHeaders: {},
        checksumAlgorithm: 'CRC32',
        checksum: crc.toString('base64'),
        storageClass: null,
        policy: null,
        versionId: null,
        deleteMarker: false,
        checksumType: 'FULL_OBJECT',
      }),
    );
  });
  await writeFile(
    join(dir, 'bucketMetadata.json'),
    JSON.stringify({
      name: bucket,
      creationDate: new Date(now).toISOString(),
      versioningConfiguration: { MfaDelete: null, Status: null, xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      objectLockConfiguration: null,
      bucketLifecycleConfiguration: null,
      objectOwnership: 'BucketOwnerEnforced',
      path: `file://${dir}/`,
      bucketRegion: 'us-east-1',
      bucketInfo: null,
      locationInfo: null,
      objects,
    }),
  );
}

/**
 * Starts S3Mock on `root` (already seeded) with the command line of the testbed in
 * `testbedDir`, and resolves once it lists `bucket`.
 */
export async function startS3MockOn(testbedDir: string, runDir: string, root: string, bucket: string): Promise<DirectS3Mock> {
  const config = JSON.parse(await readFile(join(testbedDir, 'config.json'), 'utf8')) as KeeperConfig;
  const [s3, s3Tls] = await freePorts(2);
  const specs = await serverSpecs({ ...config, runDir, ports: { ...config.ports, s3: s3!, s3Tls: s3Tls! } });
  const spec = specs.find((s) => s.name === 's3mock')!;
  const args = spec.args.map((a) => (a.startsWith('--com.adobe.testing.s3mock.store.root=') ? `--com.adobe.testing.s3mock.store.root=${root}` : a));
  const log = join(runDir, 's3mock.log');
  const { openSync } = await import('node:fs');
  const fd = openSync(log, 'a');
  const child: ChildProcess = spawn(spec.command, args, { stdio: ['ignore', fd, fd] });
  const endpoint = `http://127.0.0.1:${s3}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 300_000;
  try {
    await waitUntilListing();
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, stop };

  async function waitUntilListing(): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`S3Mock exited (${child.exitCode}) before answering; see ${log}`);
    if (Date.now() > deadline) throw new Error(`S3Mock did not answer in 300 s; see ${log}`);
    const ok = await fetch(`${endpoint}/${bucket}?list-type=2&max-keys=1`, { signal: AbortSignal.timeout(5_000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  }
}
