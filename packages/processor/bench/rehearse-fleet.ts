/**
 * Rehearsal of the fleet on the testbed (issue 14): worker processes on one queue, a scaler that
 * applies the stack's own target-tracking rule (contract/scaling.ts, backlog per instance scaled
 * down to the testbed), churn (SIGTERM, Spot notices through a fake IMDSv2, SIGKILL) at a chosen
 * rate, and the books at the end, next to what `cis simulate` predicts for the same inputs.
 * Prints figures; asserts nothing (test/fleet-churn.itest.ts is the test).
 *
 *   pnpm testbed up && source .testbed/env
 *   pnpm rehearse:fleet --files 200 --max 5 --churn-every-s 6
 */
import { Command } from 'commander';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { desiredCapacity, SCALING_DEFAULTS } from '../src/contract/scaling';
import { simulate } from '../src/programs/capacity/simulator';
import { FakeImds, Fleet, indexedPaths, percentile, type FleetMember } from '../test/support/fleet';
import { queuesEmpty, REPO_ROOT, scenario } from '../test/support/worker-harness';
import { queueCounts, sendMessages, uploadFiles, upsertMessagesFor } from '../test/support/s3-load';

interface Options {
  files: number;
  max: number;
  min: number;
  churnEveryS: number;
  killShare: number;
  spotShare: number;
  scale: number;
  scansEvery: number;
  timeoutS: number;
}

const num = (v: string) => Number(v);
const program = new Command('rehearse:fleet')
  .option('--files <n>', 'files to index', num, 200)
  .option('--max <n>', 'the group maximum (worker processes)', num, 5)
  .option('--min <n>', 'the group minimum', num, 1)
  .option('--churn-every-s <s>', 'one stop (SIGTERM, Spot notice or SIGKILL) every this many seconds', num, 6)
  .option('--kill-share <0-1>', 'share of stops that are SIGKILL', num, 0.2)
  .option('--spot-share <0-1>', 'share of stops that are Spot notices (the rest SIGTERM)', num, 0.4)
  .option('--scale <n>', "the stack's backlog per instance is divided by this for the testbed", num, 10)
  .option('--scans-every <n>', 'every n-th file is a scanned page (OCR), the rest small text files', num, 10)
  .option('--timeout-s <s>', 'give up after this long', num, 900);

async function main(o: Options): Promise<void> {
  const target = Math.max(1, Math.round(SCALING_DEFAULTS.backlogPerInstance / o.scale));
  const s = await scenario('rehearse', { visibilityS: 15 });
  const dir = await mkdtemp(join(tmpdir(), 'rehearse-fleet-'));
  const imds = new FakeImds();
  await imds.start();
  const fleet = new Fleet(s, { CIS_FILES_IN_FLIGHT: '2', CIS_OCR_THREADS: '1', CIS_METRICS: 'false' }, imds);
  try {
    const names: string[] = [];
    for (let i = 0; i < o.files; i++) {
      const name = i % o.scansEvery === 0 ? `f${i}.pdf` : `f${i}.txt`;
      if (name.endsWith('.pdf')) await copyFile(join(REPO_ROOT, 'samples', '見積書_スキャン.pdf'), join(dir, name));
      else await writeFile(join(dir, name), `rehearsal file ${i}\n見積書 ${i}\n`);
      names.push(name);
    }
    await uploadFiles(s.s3, s.tb.bucket, dir, names, s.prefix);
    const expected = names.map((n) => `${s.prefix}${n}`);
    process.stdout.write(
      `rehearse:fleet  files ${o.files} (every ${o.scansEvery}th an OCR scan), group ${o.min}–${o.max}, backlog per instance ${target} ` +
        `(stack ${SCALING_DEFAULTS.backlogPerInstance} ÷ ${o.scale}), a stop every ${o.churnEveryS} s ` +
        `(SIGKILL ${o.killShare}, Spot ${o.spotShare}, SIGTERM ${Math.round((1 - o.killShare - o.spotShare) * 100) / 100}), maxReceiveCount 3\n`,
    );

    // The first worker creates the index before the load is queued.
    const first = fleet.start();
    while (first.child.logs('worker started').length === 0) await sleep(100);
    await sendMessages(s.sqs, s.queueUrl, await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix));
    const t0 = Date.now();
    const samples: Array<{ t: number; visible: number; inFlight: number; workers: number }> = [];
    let lastChurn = t0;
    let lastScaleIn = t0;
    const stops = { SIGTERM: 0, spot: 0, SIGKILL: 0 };
    let done = false;
    while (!done) {
      const now = Date.now();
      if (now - t0 > o.timeoutS * 1000) throw new Error(`not done within ${o.timeoutS} s`);
      const q = await queueCounts(s.sqs, s.queueUrl);
      const running = fleet.running;
      samples.push({ t: (now - t0) / 1000, visible: q.visible, inFlight: q.inFlight, workers: running.length });
      if (samples.length % 10 === 1) process.stdout.write(`  ${((now - t0) / 1000).toFixed(0).padStart(5)} s  visible ${q.visible}  in flight ${q.inFlight}  workers ${running.length}  stops ${JSON.stringify(stops)}\n`);
      const desired = desiredCapacity(q.visible, target, o.min, o.max);
      if (desired > running.length) for (let i = running.length; i < desired; i++) fleet.start();
      else if (desired < running.length && now - lastScaleIn > 10_000) {
        // Scale-in removes the newest instance (the stack's termination policy is OldestInstance; newest keeps the rehearsal's churn apart).
        fleet.stop(running[running.length - 1], 'SIGTERM');
        stops.SIGTERM++;
        lastScaleIn = now;
      }
      // Stops hit workers that have started: on a loaded test machine a start-up takes longer than
      // the churn period, and killing workers before they receive anything rehearses nothing.
      const working = running.filter((m) => m.child.logs('worker started').length > 0);
      if (now - lastChurn >= o.churnEveryS * 1000 && working.length > 0 && q.visible + q.inFlight > 0) {
        const victim = working[Math.floor(Math.random() * working.length)];
        const r = Math.random();
        const how = r < o.killShare ? 'SIGKILL' : r < o.killShare + o.spotShare ? 'spot' : 'SIGTERM';
        fleet.stop(victim, how);
        stops[how]++;
        lastChurn = now;
      }
      done = q.visible + q.inFlight + q.delayed === 0 && (await indexedPaths(s, expected)).lost.length === 0;
      if (!done) await sleep(1000);
    }
    const seconds = (Date.now() - t0) / 1000;
    await fleet.stopAll('SIGTERM');

    const { indexed, lost } = await indexedPaths(s, expected);
    const books = fleet.books();
    const dlq = (await queuesEmpty(s)).dlq;
    const drains = await fleet.drainSeconds();
    const maxReleases = Math.max(0, ...Object.keys(books.processedByReleases).map(Number));
    const workerStarts = fleet.members.length;
    const startup = fleet.members
      .map((m) => ({ m, line: m.child.logs('worker started')[0] }))
      .filter((x): x is { m: FleetMember; line: Record<string, unknown> } => !!x.line)
      .map((x) => (Date.parse(String(x.line.time)) - x.m.startedAt) / 1000);
    const workerSeconds = samples.reduce((a, smp, i) => a + smp.workers * ((samples[i + 1]?.t ?? seconds) - smp.t), 0);
    const perWorkerPerHour = (o.files / workerSeconds) * 3600;

    process.stdout.write(
      `\nresult after ${seconds.toFixed(1)} s: ${workerStarts} worker processes started; stops: SIGTERM ${stops.SIGTERM}, Spot ${stops.spot}, SIGKILL ${stops.SIGKILL}\n` +
        `  files indexed once      ${indexed} / ${o.files}\n` +
        `  lost                    ${lost.length}\n` +
        `  duplicated (written ×2) ${books.written - indexed}\n` +
        `  good files in the DLQ   ${dlq}\n` +
        `  releases: ${books.released} (by copy ${books.released - books.releasedCounted}, counted ${books.releasedCounted}); max releases of one file ${maxReleases}\n` +
        `  processed after n releases: ${JSON.stringify(books.processedByReleases)}\n` +
        `  drain time p50 ${percentile(drains, 50).toFixed(2)} s, p95 ${percentile(drains, 95).toFixed(2)} s (${drains.length} drains)\n` +
        `  worker start-up p50 ${percentile(startup, 50).toFixed(1)} s; measured ${perWorkerPerHour.toFixed(0)} files/h per worker\n`,
    );

    // The simulator with the same inputs: backlog, group bounds, target, measured start-up and per-worker rate.
    const sim = simulate({
      backlog: o.files,
      scannerFiles: 0,
      scannerRate: 0,
      inflow: 0,
      filesPerHour: perWorkerPerHour,
      minInstances: o.min,
      maxInstances: o.max,
      targetBacklogPerInstance: target,
      scaleOutCooldownSeconds: 0,
      scaleInCooldownSeconds: 10,
      startupDelaySeconds: percentile(startup, 50),
      pricePerHour: 0.192,
      spotDiscount: 0.7,
      onDemandBase: 0,
      horizonHours: 2,
    });
    process.stdout.write(`  cis simulate predicts the load drained in ${sim.drainHours === null ? 'n/a' : `${(sim.drainHours * 60).toFixed(0)} min`}; rehearsed ${(seconds / 60).toFixed(1)} min\n\n`);
    process.stdout.write('  minute | rehearsed queue (visible+in flight) | workers | simulated queue | simulated instances\n');
    for (let m = 0; m <= Math.ceil(seconds / 60); m++) {
      const smp = samples.filter((x) => x.t <= m * 60).at(-1) ?? samples[0];
      const simQ = sim.series.queue[m];
      const simI = sim.series.instances[m];
      process.stdout.write(
        `  ${String(m).padStart(6)} | ${String(smp.visible + smp.inFlight).padStart(35)} | ${String(smp.workers).padStart(7)} | ${String(simQ === undefined ? '-' : Math.round(simQ)).padStart(15)} | ${String(simI ?? '-').padStart(19)}\n`,
      );
    }
    process.stdout.write('\n  every 10 s (rehearsed): t, visible, in flight, workers\n');
    for (const smp of samples.filter((_, i) => i % 10 === 0)) process.stdout.write(`  ${smp.t.toFixed(0).padStart(5)} s  ${String(smp.visible).padStart(5)}  ${String(smp.inFlight).padStart(5)}  ${smp.workers}\n`);
  } finally {
    for (const m of fleet.members) m.child.kill('SIGKILL');
    await imds.stop();
    await s.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main(program.parse().opts<Options>()).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
