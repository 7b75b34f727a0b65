import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { PeakRssSampler } from '@cis/testbed';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileId } from '../../core/ids';
import { main } from '../cli/main';
import type { FailureListing } from '../cli/commands/failures';
import { expectedOutcomes, writeHostileFolder, type HostileFolder } from '../../../test/support/hostile';
import { listFiles, putObject, queueCounts, sendMessages, uploadFiles, upsertMessagesFor } from '../../../test/support/s3-load';
import { ChildWorker, queuesEmpty, scenario, storedDocs, waitFor, type Scenario } from '../../../test/support/worker-harness';

/**
 * Issue 16 through the AWS worker on the testbed: the hostile corpus, the controls and the
 * colliding names uploaded to S3 and sent as messages, plus a key S3 refuses and a message that
 * forges its object's date and size. One worker process handles them all: it never restarts,
 * every case ends as promised (stored with its reason), the controls are searchable, and only
 * the message S3 refuses reaches the DLQ, with its reason for `cis failures`.
 */

const MiB = 1024 * 1024;
const BUDGET = { perFileMb: 512, totalMb: 1024 };
const MAIN_PROCESS_MARGIN_MB = 1536;

let s: Scenario;
let dir: string;
let folder: HostileFolder;
let names: HostileFolder['names'];
let worker: ChildWorker;
let peakBytes = 0;
let docs: Map<string, Record<string, any>>;

async function failuresListing(sc: Scenario): Promise<FailureListing[]> {
  const saved = { ...process.env };
  Object.assign(process.env, { CIS_QUEUE_URL: sc.queueUrl, CIS_DLQ_URL: sc.dlqUrl, CIS_OPENSEARCH_INDEX: sc.name, CIS_OPENSEARCH_URL: sc.tb.opensearchUrl });
  const out: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    expect(await main(['failures', '--json'])).toBe(0);
  } finally {
    write.mockRestore();
    process.env = saved;
  }
  return (JSON.parse(out.join('')) as { failures: FailureListing[] }).failures;
}

const FORGED = 'control/minutes.txt';
const REFUSED_KEY = '../../etc/passwd';

beforeAll(async () => {
  s = await scenario('hostile', {
    visibilityS: 30,
    env: { CIS_EXTRACT_MEMORY_MB: String(BUDGET.perFileMb), CIS_EXTRACT_TOTAL_MEMORY_MB: String(BUDGET.totalMb), CIS_FILES_IN_FLIGHT: '4' },
  });
  dir = await mkdtemp(join(tmpdir(), 'cis-hostile-worker-'));
  folder = await writeHostileFolder(join(dir, 'files'), 'test');
  // The testbed's S3 (S3Mock, on Tomcat) answers 400 to a key with a backslash, which S3 itself
  // stores: that name is left out here (local mode and the id tests cover it).
  const uploadable = (await listFiles(join(dir, 'files'))).filter((p) => !p.includes('\\'));
  names = folder.names.filter((n) => !n.path.includes('\\'));
  await uploadFiles(s.s3, s.tb.bucket, join(dir, 'files'), uploadable, s.prefix);
  const messages = await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix);
  // A date in 2999 and 2 TB for an object that holds a few hundred bytes: a forged message.
  const forged = messages.find((m) => m.key === s.prefix + FORGED)!;
  Object.assign(forged, { lastModified: '2999-01-01T00:00:00Z', size: 2 * 1024 ** 4 });
  await sendMessages(s.sqs, s.queueUrl, [...messages, { v: 1, op: 'upsert', bucket: s.tb.bucket, key: REFUSED_KEY, size: 10, etag: 'x', lastModified: '2024-01-01T00:00:00Z' }]);

  worker = new ChildWorker({ ...s.env, CIS_TEMP_DIR: dir });
  const sampler = new PeakRssSampler(worker.proc.pid!, 50).start();
  try {
    await waitFor(
      'every message handled (stored, or in the DLQ)',
      async () => {
        const q = await queueCounts(s.sqs, s.queueUrl);
        const { dlq } = await queuesEmpty(s);
        return q.visible + q.inFlight + q.delayed === 0 && dlq >= 1;
      },
      240_000,
      500,
    );
  } finally {
    peakBytes = sampler.stop();
  }
  docs = await storedDocs(s);
}, 300_000);

afterAll(async () => {
  worker?.kill('SIGKILL');
  await s?.close();
  await rm(dir, { recursive: true, force: true });
}, 30_000);

describe('the worker over the hostile corpus (testbed)', () => {
  it('never restarts: one process handled every message and is still running', async () => {
    expect(worker.proc.exitCode).toBeNull();
    expect(worker.proc.signalCode).toBeNull();
    expect(worker.logs('worker started')).toHaveLength(1);
  });

  it.each(Object.entries(expectedOutcomes('test')))('%s is stored as promised, with its reason', (path, outcome) => {
    const doc = docs.get(s.prefix + path);
    expect({ path, status: doc?.status }).toEqual({ path, status: outcome.status });
    if (outcome.reason) expect(doc?.reason ?? '').toMatch(outcome.reason);
    if (outcome.text) expect(doc?.text).toContain(outcome.text);
  });

  it('indexes the controls, searchable by their words', async () => {
    for (const control of folder.controls) {
      expect({ path: control.path, status: docs.get(s.prefix + control.path)?.status }).toEqual({ path: control.path, status: 'indexed' });
      for (const word of control.words) {
        expect({ word, hits: (await s.index.search(word, { limit: 50 })).map((h) => h.path) }).toEqual({ word, hits: expect.arrayContaining([s.prefix + control.path]) });
      }
    }
  });

  it('stores the names that used to collide as separate documents, under separate ids', () => {
    expect(names).toHaveLength(3);
    const ids = names.map((n) => docs.get(s.prefix + n.path)?._id);
    expect(ids).toEqual(names.map((n) => fileId(s.prefix + n.path)));
    expect(new Set(ids).size).toBe(names.length);
    for (const n of names) expect(docs.get(s.prefix + n.path)?.text).toBe(n.text);
  });

  it('sends only the key S3 refuses to the DLQ, with its reason for cis failures; no innocent message', async () => {
    expect(await queuesEmpty(s)).toEqual({ queue: 0, dlq: 1 });
    const failures = await failuresListing(s);
    expect(failures).toEqual([
      expect.objectContaining({ key: REFUSED_KEY, stage: 'fetch', retryable: false, reason: expect.stringMatching(/^S3 refused the request for s3:\/\/.+\/\.\.\/\.\.\/etc\/passwd \(4\d\d/) }),
    ]);
  });

  it('takes the forged message\'s date and size from S3, and a later edit of that file is stored', async () => {
    const key = s.prefix + FORGED;
    const head = await s.s3.send(new HeadObjectCommand({ Bucket: s.tb.bucket, Key: key }));
    const doc = docs.get(key)!;
    expect(doc.mtime).toBe(head.LastModified!.toISOString());
    expect(doc.size).toBe(head.ContentLength);
    // The file is edited: a real message for the new version replaces the document.
    await new Promise((r) => setTimeout(r, 1100)); // S3's Last-Modified has whole seconds
    await putObject(s.s3, s.tb.bucket, key, 'the minutes, edited after the forged message');
    await sendMessages(s.sqs, s.queueUrl, (await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix)).filter((m) => m.key === key));
    await waitFor('the edit stored', async () => ((await storedDocs(s)).get(key)?.text ?? '').includes('edited after the forged message'), 60_000, 500);
  }, 90_000);

  it('keeps the worker\'s process tree under the extraction budget plus the main process', () => {
    expect(peakBytes).toBeGreaterThan(0);
    expect(peakBytes).toBeLessThan((BUDGET.totalMb + MAIN_PROCESS_MARGIN_MB) * MiB);
  });
});
