/**
 * `pnpm bench:worker [--size quick|full] [--corpus DIR]`: the AWS-mode worker against local mode
 * on the same corpus and machine. Uploads the corpus to the testbed's S3, enqueues one message
 * per object, runs the worker until every message is acknowledged, then runs `cis index` on the
 * same folder, and prints throughput side by side, per-stage p50/p95 and the share of the
 * worker's own overhead (queue + download + bulk + delete) in per-file processing time.
 * A benchmark: it prints figures and never fails on speed.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createQueuePair, status, testbedEnv, uniqueName } from '@cis/testbed';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { benchTestbed } from './bench-testbed';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { workerSettings } from '../src/config/worker';
import { percentile } from '../src/core/timing';
import { createOpenSearchClient } from '../src/adapters/opensearch/opensearch-client';
import { log } from '../src/core/log';
import { startWorker } from '../src/programs/worker/run';
import { REPO_ROOT } from '../test/support/worker-harness';
import { listFiles, queueCounts, sendMessages, uploadFiles, upsertMessagesFor } from '../test/support/s3-load';

interface LocalSummary {
  files: number;
  seconds: number;
  filesPerMin: number;
  stages: Record<string, { p50Ms: number; p95Ms: number; totalMs: number }>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: 'quick' }, corpus: { type: 'string' } } });
  const corpus = values.corpus ?? pickCorpus(values.size ?? 'quick');
  const files = await listFiles(corpus);
  const bytes = files.reduce((n, f) => n + statSync(join(corpus, f)).size, 0);

  const { variables, stop, runDir } = await benchTestbed('bench:worker');
  Object.assign(process.env, variables, { AWS_EMF_ENVIRONMENT: 'Local' });
  const tb = testbedEnv();
  const name = uniqueName('bench');
  const sqs = new SQSClient({});
  const s3 = new S3Client({ forcePathStyle: true });
  const { queueUrl, dlqUrl } = await createQueuePair(sqs, name, { visibilityTimeoutS: 900 });
  process.stderr.write(`bench:worker: uploading ${files.length} files (${(bytes / 1e6).toFixed(1)} MB) from ${corpus}\n`);
  await uploadFiles(s3, tb.bucket, corpus, files, `${name}/`);
  await sendMessages(sqs, queueUrl, await upsertMessagesFor(s3, tb.bucket, `${name}/`));

  const settings = workerSettings({
    ...process.env,
    CIS_QUEUE_URL: queueUrl,
    CIS_DLQ_URL: dlqUrl,
    CIS_BUCKET: tb.bucket,
    CIS_OPENSEARCH_INDEX: name,
    CIS_OPENSEARCH_SHARDS: '1',
    CIS_OPENSEARCH_REPLICAS: '0',
    CIS_SPOT_POLL: 'false',
    CIS_METRICS: 'false',
  });
  process.stderr.write(`bench:worker: running the worker (OCR threads ${settings.extraction.ocr.threads}, files in flight ${settings.filesInFlight})…\n`);
  const serverPids = (await status(runDir)).servers.filter((x) => x.alive && x.pid).map((x) => x.pid as number);
  const cpuBefore = { self: process.cpuUsage(), servers: cpuSeconds(serverPids) };
  const w = await runWorker(settings, files.length, sqs, queueUrl);
  const self = process.cpuUsage(cpuBefore.self);
  const cpu = { worker: (self.user + self.system) / 1e6, servers: cpuSeconds(serverPids) - cpuBefore.servers, cores: availableParallelism() };
  const dlq = await queueCounts(sqs, dlqUrl);
  const os = createOpenSearchClient({ endpoint: tb.opensearchUrl, auth: { kind: 'none' }, requestTimeoutMs: 30_000 });
  await os.indices.refresh({ index: name });
  const stored = (await os.count({ index: name })).body.count as number;
  await os.indices.delete({ index: `${name}*` }).catch(() => {});
  await os.indices.deleteIndexTemplate({ name: `${name}-template` }).catch(() => {});
  await os.close();
  sqs.destroy();
  s3.destroy();

  process.stderr.write('bench:worker: running local mode (cis index) on the same folder…\n');
  const local = await runLocal(corpus);
  await stop();

  const report = format({ corpus, files: files.length, bytes, w, local, stored, dlq: dlq.visible + dlq.inFlight, settings, cpu });
  process.stdout.write(report.text);
  const out = join(REPO_ROOT, '.cache', 'bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'worker-last.json'), `${JSON.stringify(report.json, null, 2)}\n`);
}

function pickCorpus(size: string): string {
  const generated = join(REPO_ROOT, '.cache', 'bench-corpus', size, 'files');
  if (existsSync(generated)) return generated;
  process.stderr.write(`bench:worker: no generated corpus at ${generated} (run "pnpm bench --quick" once); using samples/\n`);
  return join(REPO_ROOT, 'samples');
}

/** User + system CPU seconds of processes so far (Linux /proc; clock ticks of 1/100 s). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone: counts nothing.
    }
  }
  return ticks / 100;
}

interface WorkerRun {
  seconds: number;
  processed: number;
  returned: number;
  /** Per-file samples, ms. */
  stages: Record<string, number[]>;
  /** Totals, ms: the worker's own work around the pipeline. */
  overhead: { receive: number; heartbeat: number; download: number; bulk: number; delete: number };
  processingMs: number;
  calls: { receive: number[]; bulk: number[]; delete: number[] };
}

async function runWorker(settings: ReturnType<typeof workerSettings>, expected: number, sqs: SQSClient, queueUrl: string): Promise<WorkerRun> {
  const { worker, done } = await startWorker(settings, log);
  const run: WorkerRun = {
    seconds: 0,
    processed: 0,
    returned: 0,
    stages: {},
    overhead: { receive: 0, heartbeat: 0, download: 0, bulk: 0, delete: 0 },
    processingMs: 0,
    calls: { receive: [], bulk: [], delete: [] },
  };
  const add = (stage: string, ms: number | undefined) => {
    if (ms !== undefined) (run.stages[stage] ??= []).push(ms);
  };
  const started = performance.now();
  let finished = 0;
  worker.on('batch_received', (b) => {
    run.overhead.receive += b.ms;
    run.calls.receive.push(b.ms);
  });
  worker.on('heartbeat', (h) => (run.overhead.heartbeat += h.ms));
  worker.on('bulk', (b) => {
    run.overhead.bulk += b.ms;
    run.calls.bulk.push(b.ms);
  });
  worker.on('acked', (a) => {
    run.overhead.delete += a.ms;
    run.calls.delete.push(a.ms);
  });
  worker.on('processing_error', () => run.returned++);
  worker.on('message_processed', (_m, info) => {
    run.processed++;
    finished = performance.now();
    for (const [stage, ms] of Object.entries(info.timings)) add(stage, ms);
    add('index wait', info.indexMs);
    add('message total', info.totalMs);
    const fetch = info.timings.fetch ?? 0;
    run.overhead.download += fetch;
    run.processingMs += info.processMs - fetch;
  });
  const deadline = Date.now() + 60 * 60_000;
  while (run.processed < expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const c = await queueCounts(sqs, queueUrl);
    if (run.processed + run.returned >= expected && c.visible + c.inFlight === 0) break;
  }
  run.seconds = (finished - started) / 1000;
  await worker.stop('bench done');
  await done;
  return run;
}

function runLocal(corpus: string): Promise<LocalSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'cis-bench-local-'));
  const db = join(dir, 'index.db');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/processor/src/programs/cli/main.ts', 'index', corpus, '--db', db, '--json'], {
      cwd: REPO_ROOT,
      env: { ...process.env, INIT_CWD: REPO_ROOT },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`cis index exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as LocalSummary);
    });
  });
}

function format(r: {
  corpus: string;
  files: number;
  bytes: number;
  w: WorkerRun;
  local: LocalSummary;
  stored: number;
  dlq: number;
  settings: ReturnType<typeof workerSettings>;
  cpu: { worker: number; servers: number; cores: number };
}): { text: string; json: unknown } {
  const { w, local } = r;
  const workerRate = (w.processed / w.seconds) * 60;
  const vsLocal = (workerRate / local.filesPerMin - 1) * 100;
  const o = w.overhead;
  const queue = o.receive + o.heartbeat;
  const overhead = queue + o.download + o.bulk + o.delete;
  const share = (overhead / w.processingMs) * 100;
  const pct = (xs: number[], q: number) => percentile([...xs].sort((a, b) => a - b), q);
  const row = (label: string, xs: number[]) =>
    `  ${label.padEnd(16)}${String(xs.length).padStart(6)}${pct(xs, 0.5).toFixed(1).padStart(10)}${pct(xs, 0.95).toFixed(1).padStart(10)}${(xs.reduce((a, b) => a + b, 0) / 1000).toFixed(2).padStart(10)}`;
  const order = ['fetch', 'hash', 'detect', 'extract', 'ocr', 'embed', 'index wait', 'message total'];
  const lines = [
    `worker bench: ${r.files} files (${(r.bytes / 1e6).toFixed(1)} MB) from ${r.corpus}`,
    `  OCR threads ${r.settings.extraction.ocr.threads}, files in flight ${r.settings.filesInFlight}, bulk ${r.settings.bulk.maxBytes / 1e6} MB / linger ${r.settings.bulk.lingerMs} ms, Bedrock stand-in (worker) vs local descriptor (local)`,
    '',
    `                      worker (SQS→S3→OpenSearch)   local (cis index)`,
    `  files               ${String(w.processed).padEnd(29)}${local.files}`,
    `  seconds             ${w.seconds.toFixed(1).padEnd(29)}${local.seconds.toFixed(1)}`,
    `  files/min           ${workerRate.toFixed(1).padEnd(29)}${local.filesPerMin.toFixed(1)}`,
    `  worker vs local     ${vsLocal >= 0 ? '+' : ''}${vsLocal.toFixed(1)} % (target: within 10 %)`,
    `  stored / DLQ        ${r.stored} documents, ${r.dlq} in the DLQ, ${w.returned} messages returned`,
    `  CPU, worker run     worker process ${r.cpu.worker.toFixed(1)} s (OCR threads included), testbed servers ${r.cpu.servers.toFixed(1)} s,` +
      ` of ${(w.seconds * r.cpu.cores).toFixed(1)} s on ${r.cpu.cores} cores (the servers share this machine; in AWS they do not)`,
    '',
    `  worker stage         n    p50 ms    p95 ms   total s`,
    ...order.filter((s) => w.stages[s]).map((s) => row(s, w.stages[s])),
    row('receive call', w.calls.receive),
    row('bulk request', w.calls.bulk),
    row('delete batch', w.calls.delete),
    '',
    `  local stage                 p50 ms    p95 ms   total s`,
    ...Object.entries(local.stages).map(
      ([s, v]) => `  ${s.padEnd(22)}${v.p50Ms.toFixed(1).padStart(10)}${v.p95Ms.toFixed(1).padStart(10)}${(v.totalMs / 1000).toFixed(2).padStart(10)}`,
    ),
    '',
    `  overhead / per-file processing: ${share.toFixed(2)} % (target ≤ 3 %); wall time of each call, measured while OCR keeps both cores busy`,
    `    queue ${(queue / 1000).toFixed(2)} s (receive ${(o.receive / 1000).toFixed(2)}, heartbeat ${(o.heartbeat / 1000).toFixed(2)}) + download ${(o.download / 1000).toFixed(2)} s + bulk ${(o.bulk / 1000).toFixed(2)} s + delete ${(o.delete / 1000).toFixed(2)} s` +
      ` = ${(overhead / 1000).toFixed(2)} s, against ${(w.processingMs / 1000).toFixed(2)} s of hash/detect/extract/OCR/embed`,
    '',
  ];
  return {
    text: lines.join('\n'),
    json: { corpus: r.corpus, files: r.files, worker: { ...w, filesPerMin: workerRate }, local, vsLocalPercent: vsLocal, overheadPercent: share, stored: r.stored, dlq: r.dlq, cpu: r.cpu },
  };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
