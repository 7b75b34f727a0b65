import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileId } from '../../core/ids';
import { ChildWorker, queuesEmpty, REPO_ROOT, scenario, storedDocs, waitFor, type Scenario } from '../../../test/support/worker-harness';
import { queueCounts, sendMessages, uploadFiles, upsertMessagesFor } from '../../../test/support/s3-load';

/** The worker as systemd runs it (one node process: `node --import tsx packages/processor/src/programs/cli/main.ts worker`), killed by signals. */

const SAMPLES = join(REPO_ROOT, 'samples');
let s: Scenario | undefined;
let children: ChildWorker[] = [];
let tempRoot: string;

beforeEach(async () => {
  tempRoot = await mkdtemp(join(tmpdir(), 'worker-itest-'));
});
afterEach(async () => {
  for (const c of children) c.kill('SIGKILL');
  children = [];
  await s?.close();
  s = undefined;
  await rm(tempRoot, { recursive: true, force: true });
}, 30_000);

function spawnWorker(sc: Scenario, env: NodeJS.ProcessEnv = {}): ChildWorker {
  const child = new ChildWorker({ ...sc.env, CIS_TEMP_DIR: tempRoot, ...env });
  children.push(child);
  return child;
}

describe('worker process on the testbed', () => {
  it('killed with SIGKILL mid-batch and restarted: every file indexed exactly once', async () => {
    s = await scenario('sigkill', { visibilityS: 6 });
    const files = [
      '請求書.pdf',
      'invoice_scan.png',
      '業務委託契約書.docx',
      'broken.pdf',
      'encrypted.pdf',
      'photo_landscape.jpg',
      'photo_landscape_resized.jpg',
      '議事録.txt',
      '取引先一覧.csv',
      '請求明細.xlsx',
      'quotation_summary.pptx',
      '稟議書.xdw',
    ];
    await uploadFiles(s.s3, s.tb.bucket, SAMPLES, files, s.prefix);
    await sendMessages(s.sqs, s.queueUrl, await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix));

    const first = spawnWorker(s);
    // Mid-batch: some documents stored, others still being processed (held invisible by this worker).
    await waitFor('a first bulk batch', () => first.logs('bulk batch').some((l) => Number(l.ok) > 0), 90_000, 100);
    const atKill = await queueCounts(s.sqs, s.queueUrl);
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(atKill.inFlight).toBeGreaterThan(0);
    expect((await readdir(tempRoot)).some((d) => d.startsWith(`cis-worker-`))).toBe(true);

    const second = spawnWorker(s);
    await waitFor('every file stored', async () => (await s!.index.count().catch(() => 0)) >= files.length && (await queuesEmpty(s!)).queue === 0, 120_000, 500);
    second.kill('SIGTERM');
    expect(await second.exitReport()).toEqual({ code: 0, signal: null, stderrTail: '' });

    const docs = await storedDocs(s);
    expect(await s.index.count()).toBe(files.length);
    expect([...docs.keys()].sort()).toEqual(files.map((f) => s!.prefix + f).sort());
    for (const [path, doc] of docs) expect(doc._id).toBe(fileId(path));
    expect(await queuesEmpty(s)).toEqual({ queue: 0, dlq: 0 });
    // The killed worker's download directory was removed by the next one; the next one cleaned up its own.
    expect(await readdir(tempRoot)).toEqual([]);
  }, 240_000);

  it('SIGTERM releases the messages in progress at once and exits', async () => {
    // A long visibility timeout: only an explicit release can make the messages visible again soon.
    s = await scenario('sigterm', { visibilityS: 300 });
    const files = ['見積書_スキャン.pdf', '納品書_受領印.pdf', 'invoice_scan.png', 'photo_landscape.jpg'];
    await uploadFiles(s.s3, s.tb.bucket, SAMPLES, files, s.prefix);
    await sendMessages(s.sqs, s.queueUrl, await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix));
    const child = spawnWorker(s, { CIS_FILES_IN_FLIGHT: '4' });
    await waitFor('all four messages in progress', async () => (await queueCounts(s!.sqs, s!.queueUrl)).inFlight === 4, 60_000, 100);

    const sentAt = Date.now();
    child.kill('SIGTERM');
    const exit = await child.exited;
    expect(await child.exitReport()).toEqual({ code: 0, signal: null, stderrTail: '' });
    // Released and exited well inside the 110 s drain deadline (a bound, not a speed figure: pnpm bench:worker measures).
    expect(exit.at - sentAt).toBeLessThan(30_000);

    const counts = await queueCounts(s.sqs, s.queueUrl);
    const stored = (await storedDocs(s)).size;
    expect(counts.inFlight).toBe(0);
    expect(counts.visible + stored).toBe(files.length);
    expect(counts.visible).toBeGreaterThan(0);
    expect(child.logs('draining: no more receives; releasing messages in progress')).toHaveLength(1);
    expect(Number(child.logs('worker stopped')[0]?.released)).toBeGreaterThan(0);
  }, 120_000);
});
