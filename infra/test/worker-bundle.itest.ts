import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWorkerBundle } from '@cis/processor/bundle';
import { queuesEmpty, scenario, sendMessages, storedDocs, uploadFiles, upsertMessagesFor, waitFor, type Scenario } from '@cis/processor/test/support';
import { REPO_ROOT } from '../src/synth';

/**
 * The worker bundle as the fleet runs it (`node cis.js worker` from a folder with no workspace
 * around it) against the testbed's SQS, S3, OpenSearch and Bedrock stand-in: files are
 * downloaded, parsed in the bundle's extract-child.js processes, OCR'd in its ocr-worker.js threads, indexed, and SIGTERM drains.
 */
const FILES = ['invoice_scan.png', '業務委託契約書.docx'];
let bundleDir: string;
let tempRoot: string;
let s: Scenario | undefined;

beforeAll(() => {
  bundleDir = mkdtempSync(join(tmpdir(), 'cis-bundle-itest-'));
  tempRoot = mkdtempSync(join(tmpdir(), 'cis-bundle-itest-work-'));
  buildWorkerBundle({ outDir: bundleDir });
}, 120_000);

afterAll(async () => {
  await s?.close();
  rmSync(bundleDir, { recursive: true, force: true });
  rmSync(tempRoot, { recursive: true, force: true });
});

it('indexes files from the queue and drains on SIGTERM', async () => {
  s = await scenario('bundle');
  await uploadFiles(s.s3, s.tb.bucket, join(REPO_ROOT, 'samples'), FILES, s.prefix);
  await sendMessages(s.sqs, s.queueUrl, await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix));

  const worker = spawn(process.execPath, ['--enable-source-maps', join(bundleDir, 'cis.js'), 'worker'], {
    cwd: tempRoot,
    env: { ...s.env, CIS_TEMP_DIR: tempRoot, NODE_PATH: '', NODE_OPTIONS: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  worker.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => worker.on('exit', (code) => done(code)));
  try {
    await waitFor('every file stored', async () => (await s!.index.count().catch(() => 0)) >= FILES.length && (await queuesEmpty(s!)).queue === 0, 120_000, 500);
  } catch (err) {
    worker.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\nworker stderr:\n${stderr.join('').slice(-4000)}`);
  }
  worker.kill('SIGTERM');
  expect(await exited).toBe(0);

  const docs = await storedDocs(s);
  expect([...docs.keys()].sort()).toEqual(FILES.map((f) => s!.prefix + f).sort());
  expect(JSON.stringify(docs.get(`${s.prefix}invoice_scan.png`))).toContain('Kestrel');
  expect(JSON.stringify(docs.get(`${s.prefix}業務委託契約書.docx`))).toContain('秘密保持');
  expect(await queuesEmpty(s)).toEqual({ queue: 0, dlq: 0 });
}, 240_000);
