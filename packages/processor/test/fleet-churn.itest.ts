import { join } from 'node:path';
import { Fleet, FakeImds, indexedPaths, type FleetMember } from './support/fleet';
import { queuesEmpty, REPO_ROOT, scenario, waitFor, type Scenario } from './support/worker-harness';
import { queueCounts, sendMessages, uploadFiles, upsertMessagesFor } from './support/s3-load';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

/**
 * The fleet under churn (issue 14): worker processes on one queue (maxReceiveCount 3) are
 * stopped round after round — SIGTERM, Spot notices — while they hold every message still
 * queued, so each of those is released more often than maxReceiveCount allows receives. Then a
 * fleet finishes the load. Nothing may be lost, written twice, or dead-lettered.
 * (With CIS_MAX_FREE_RELEASES=0, releases count as receives and this test fails: the held files
 * reach the DLQ after the third round.)
 */

const MAX_RECEIVE_COUNT = 3;
const FILES = 18;
const ROUNDS = 4;

let s: Scenario | undefined;
let fleet: Fleet | undefined;
let imds: FakeImds | undefined;
let dir: string | undefined;
afterEach(async () => {
  for (const m of fleet?.members ?? []) m.child.kill('SIGKILL');
  await imds?.stop();
  await s?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 30_000);

it('churn that releases every held message more than maxReceiveCount times: 0 lost, 0 written twice, 0 good files in the DLQ', async () => {
  // A long visibility: only releases bring messages back within the test.
  s = await scenario('fleet-churn', { visibilityS: 120 });
  dir = await mkdtemp(join(tmpdir(), 'fleet-churn-'));
  // A scanned page (OCR, seconds) keeps a worker busy with one file while it holds the others.
  const names = Array.from({ length: FILES }, (_, i) => `scan-${String(i).padStart(2, '0')}.pdf`);
  for (const n of names) await copyFile(join(REPO_ROOT, 'samples', '見積書_スキャン.pdf'), join(dir, n));
  await uploadFiles(s.s3, s.tb.bucket, dir, names, s.prefix);
  await sendMessages(s.sqs, s.queueUrl, await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix));
  const expected = names.map((n) => `${s!.prefix}${n}`);

  imds = new FakeImds();
  await imds.start();
  // One file at a time, ten held ahead: three workers hold everything still queued.
  fleet = new Fleet(s, { CIS_FILES_IN_FLIGHT: '1', CIS_PREFETCH: '10', CIS_OCR_THREADS: '1', CIS_METRICS: 'false' }, imds);
  const sc = s;
  for (let round = 0; round < ROUNDS; round++) {
    const started = (m: FleetMember) => m.child.logs('worker started').length > 0;
    const members: FleetMember[] = [];
    // The first worker creates the index; the others start once it exists.
    if (round === 0) {
      members.push(fleet.start());
      await waitFor('the first worker started', () => started(members[0]), 60_000, 100);
    }
    while (members.length < 3) members.push(fleet.start());
    await waitFor(`round ${round + 1}: three workers started`, () => members.every(started), 60_000, 100);
    let last = {};
    await waitFor(
      `round ${round + 1}: every queued message held by a worker`,
      async () => {
        const q = await queueCounts(sc.sqs, sc.queueUrl);
        last = q;
        // Or nothing left to hold (every file done, or dead-lettered: the assertions below tell).
        return q.visible === 0;
      },
      45_000,
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; queue ${JSON.stringify(last)}; ${members.map((m) => `${m.id}: ${m.child.stderr.slice(-4).join(' | ')}`).join('\n')}`);
    });
    // Alternate SIGTERM (scale-in, shutdown) and Spot interruption notices.
    for (const m of members) fleet.stop(m, round % 2 === 0 ? 'SIGTERM' : 'spot');
    await Promise.all(members.map((m) => m.child.exited));
  }
  // No good file dead-lettered by the churn, and some still queued, each released in every round.
  expect(await queuesEmpty(s)).toMatchObject({ dlq: 0 });
  const held = (await queueCounts(s.sqs, s.queueUrl)).visible;
  expect(held).toBeGreaterThan(0);

  for (let i = 0; i < 3; i++) fleet.start({ CIS_FILES_IN_FLIGHT: '2', CIS_PREFETCH: '0' });
  await waitFor('every file handled', async () => (await queuesEmpty(sc)).queue === 0 && (await indexedPaths(sc, expected)).lost.length === 0, 150_000, 500);
  await fleet.stopAll('SIGTERM');

  const { indexed, lost } = await indexedPaths(s, expected);
  const books = fleet.books();
  expect(books.badExits).toEqual([]);
  expect(lost).toEqual([]);
  expect(indexed).toBe(FILES);
  // Every document written once: the bulk requests stored exactly as many as there are files.
  expect(books.written).toBe(FILES);
  expect(await queuesEmpty(s)).toEqual({ queue: 0, dlq: 0 });
  expect(books.releasedCounted).toBe(0);
  // The files still queued after the churn were released in every round: more than maxReceiveCount times.
  const afterChurn = Object.entries(books.processedByReleases)
    .filter(([k]) => Number(k) >= ROUNDS)
    .reduce((n, [, v]) => n + v, 0);
  expect(afterChurn).toBe(held);
  expect(ROUNDS).toBeGreaterThan(MAX_RECEIVE_COUNT);
}, 300_000);
