import { setTimeout as delay } from 'node:timers/promises';
import { RetryableError } from '../../core/errors';
import type { IndexDocument } from '../../core/types';
import { BulkWriter } from '../../adapters/opensearch/bulk-writer';
import type { BulkItemResult, BulkOp } from '../../adapters/opensearch/opensearch-bulk';
import type { QueueMessage } from '../../core/queue';
import { MessageRejectedError, type WorkerError } from './errors';
import type { HandlerOutcome, MessageHandler } from './file-message-handler';
import { MemoryQueue } from '../../../test/support/memory-queue';
import { Worker, type ProcessedInfo, type WorkerOptions } from './worker';

/** Message bodies in these tests are tiny scripts: "<key>:<ms>[:reject|:retry|:bad]". */
function scriptedHandler(active: { now: number; max: number }): MessageHandler {
  return {
    async handle(m: QueueMessage, signal: AbortSignal): Promise<HandlerOutcome> {
      const [key, ms, mode] = (m.body ?? '').split(':');
      active.now++;
      active.max = Math.max(active.max, active.now);
      try {
        await delay(Number(ms), undefined, { signal });
      } finally {
        active.now--;
      }
      if (mode === 'bad') throw new MessageRejectedError('message body is not JSON');
      if (mode === 'retry') throw new RetryableError('Bedrock still failing after 6 attempts');
      const doc = { id: key, path: key, status: 'indexed', mtime: new Date(0).toISOString() } as IndexDocument;
      return { kind: 'index', key, doc, status: 'indexed', timings: {} };
    },
  };
}

function setup(over: Partial<WorkerOptions> = {}, refuse: (id: string) => BulkItemResult | undefined = () => undefined) {
  return setupOn(new MemoryQueue(over.visibilitySeconds ?? 30), over, refuse);
}

function setupOn(queue: MemoryQueue, over: Partial<WorkerOptions> = {}, refuse: (id: string) => BulkItemResult | undefined = () => undefined) {
  const active = { now: 0, max: 0 };
  const bulkCalls: string[][] = [];
  const index = new BulkWriter(
    {
      name: 'files',
      async bulk(ops: readonly BulkOp[]) {
        bulkCalls.push(ops.map((o) => o.id));
        return ops.map((o) => refuse(o.id) ?? { id: o.id, ok: true, status: 201 });
      },
    },
    { maxBytes: 1e6, lingerMs: 5, retryBudgetMs: 1000 },
  );
  const worker = new Worker(
    {
      queue,
      handler: scriptedHandler(active),
      index,
    },
    {
      filesInFlight: 2,
      receiveBatch: 10,
      visibilitySeconds: 30,
      heartbeatMarginSeconds: 10,
      retryDelaySeconds: 7,
      fileTimeoutMs: 60_000,
      drainDeadlineMs: 10_000,
      maxPendingIndexBytes: 1e6,
      maxFreeReleases: 20,
      ...over,
    },
  );
  const processed: Array<{ key: string; info: ProcessedInfo }> = [];
  const errors: Array<{ err: WorkerError; id: string; returnsInSeconds: number }> = [];
  worker.on('message_processed', (_m, info) => processed.push({ key: info.key, info }));
  worker.on('processing_error', (err, m, r) => errors.push({ err, id: m.messageId, ...r }));
  return { queue, worker, active, bulkCalls, processed, errors };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await delay(5);
  }
}

describe('Worker', () => {
  it('never waits for the slowest file: other messages flow past it, within the in-flight limit', async () => {
    const { queue, worker, active, processed } = setup();
    queue.send('slow:600', 'a:10', 'b:10', 'c:10', 'd:10', 'e:10');
    const running = worker.run();
    await until(() => processed.length === 6);
    await worker.stop('test');
    await running;
    expect(processed.map((p) => p.key).at(-1)).toBe('slow');
    expect(active.max).toBe(2);
    expect(queue.stored).toHaveLength(0);
    // Room for one message at a time while the slow one runs: more receives than one batch.
    expect(queue.log.filter((l) => l.op === 'receive').length).toBeGreaterThan(2);
  });

  it('deletes exactly the messages whose documents were stored; a refused document goes back at once', async () => {
    const refuse = (id: string) =>
      id === 'conflict' ? { id, ok: false, status: 400, error: 'mapper_parsing_exception: failed to parse field [size]', retryable: false } : undefined;
    const { queue, worker, errors, processed } = setup({}, refuse);
    const [conflictId] = queue.send('conflict:5', 'fine:5');
    const running = worker.run();
    await until(() => processed.length === 1 && errors.length === 1);
    await worker.stop('test');
    await running;
    const deleted = queue.log.filter((l) => l.op === 'delete').flatMap((l) => l.ids);
    expect(deleted).not.toContain(conflictId);
    expect(errors[0]).toMatchObject({ id: conflictId, returnsInSeconds: 0 });
    expect(errors[0].err.reason).toMatch(/OpenSearch refused the document: mapper_parsing_exception/);
    expect(errors[0].err.stage).toBe('index');
    // Still queued: as itself, or as the copy the stopping worker released.
    expect(queue.stored.map((s) => s.body)).toEqual(['conflict:5']);
  });

  it('returns retryable failures after a delay that grows with the receive count, and bad messages at once', async () => {
    const { queue, worker, errors } = setup();
    const [retryId, badId] = queue.send('x:5:retry', 'y:5:bad');
    const running = worker.run();
    await until(() => errors.length === 2);
    await worker.stop('test');
    await running;
    const byId = Object.fromEntries(errors.map((e) => [e.id, e]));
    expect(byId[retryId]).toMatchObject({ returnsInSeconds: 7 });
    expect(byId[retryId].err.retryable).toBe(true);
    expect(byId[badId]).toMatchObject({ returnsInSeconds: 0 });
    expect(byId[badId].err.stage).toBe('parse');
    expect(queue.stored).toHaveLength(2);
  });

  it('extends the invisibility of files still in progress near the timeout, and only theirs', async () => {
    const { queue, worker, processed } = setup({ visibilitySeconds: 3, heartbeatMarginSeconds: 2, heartbeatIntervalMs: 50 });
    const [slowId, fastId] = queue.send('slow:2500', 'fast:10');
    const running = worker.run();
    await until(() => processed.length === 2);
    await worker.stop('test');
    await running;
    const extended = queue.log.filter((l) => l.op === 'visibility' && l.seconds === 3).flatMap((l) => l.ids);
    expect(extended).toContain(slowId);
    expect(extended).not.toContain(fastId);
    // It was never handed out twice.
    expect(queue.log.filter((l) => l.op === 'receive').flatMap((l) => l.ids).filter((id) => id === slowId)).toHaveLength(1);
  });

  it('on stop releases messages still processing as fresh copies (no receive spent), stores what is done, then resolves', async () => {
    const { queue, worker, processed } = setup({ filesInFlight: 3 });
    const released: Array<{ body: string; copied: boolean }> = [];
    worker.on('message_released', (m, _r, how) => released.push({ body: m.body ?? '', copied: how.copied }));
    const [slowId, slow2Id] = queue.send('slow:60000', 'slow2:60000', 'quick:5');
    const running = worker.run();
    await until(() => processed.length === 1);
    const t0 = Date.now();
    await worker.stop('SIGTERM');
    await running;
    expect(Date.now() - t0).toBeLessThan(2000);
    // The last long poll may hand a just-released copy back once more: it is released again.
    expect([...new Set(released.map((r) => r.body))].sort()).toEqual(['slow2:60000', 'slow:60000']);
    expect(released.every((r) => r.copied)).toBe(true);
    expect(queue.log.find((l) => l.op === 'requeue')?.ids.sort()).toEqual([slowId, slow2Id].sort());
    expect(queue.log.some((l) => l.op === 'visibility' && l.seconds === 0)).toBe(false);
    // The held messages are gone; their copies wait, visible, with no receive counted.
    expect(queue.stored.map((m) => m.id)).not.toContain(slowId);
    expect(queue.stored.map((m) => [m.body, m.receiveCount, m.releases]).sort()).toEqual(
      queue.stored.map((m) => [m.body, 0, m.releases]).sort(),
    );
    expect(queue.stored.every((m) => m.releases >= 1)).toBe(true);
    expect((await queue.depth()).visible).toBe(2);
  });

  it('with free releases off (0), a stop releases by visibility 0, which SQS counts as a receive', async () => {
    const { queue, worker, processed } = setup({ filesInFlight: 3, maxFreeReleases: 0 });
    const released: Array<{ id: string; copied: boolean }> = [];
    worker.on('message_released', (m, _r, how) => released.push({ id: m.messageId, copied: how.copied }));
    const [slowId, slow2Id] = queue.send('slow:60000', 'slow2:60000', 'quick:5');
    const running = worker.run();
    await until(() => processed.length === 1);
    await worker.stop('SIGTERM');
    await running;
    expect([...new Set(released.map((r) => r.id))].sort()).toEqual([slowId, slow2Id].sort());
    expect(released.some((r) => r.copied)).toBe(false);
    expect(queue.log.some((l) => l.op === 'requeue')).toBe(false);
    expect(queue.log.find((l) => l.op === 'visibility' && l.seconds === 0)?.ids.sort()).toEqual([slowId, slow2Id].sort());
    expect((await queue.depth()).visible).toBe(2);
  });

  it('falls back to visibility 0 when the copy cannot be sent: the message is never lost', async () => {
    const { queue, worker, processed } = setup({ filesInFlight: 2 });
    queue.failSends = true;
    const queueErrors: string[] = [];
    worker.on('queue_error', (err, what) => queueErrors.push(`${what}: ${err.message}`));
    const [slowId] = queue.send('slow:60000', 'quick:5');
    const running = worker.run();
    await until(() => processed.length === 1);
    await worker.stop('SIGTERM');
    await running;
    expect(queueErrors.some((e) => e.startsWith('requeue: copy of') && e.includes(slowId))).toBe(true);
    expect(queue.log.find((l) => l.op === 'visibility' && l.seconds === 0)?.ids).toContain(slowId);
    expect(queue.stored.map((m) => m.id)).toEqual([slowId]);
  });

  it('a file interrupted by more drains than maxReceiveCount is still processed once and never dead-lettered', async () => {
    const queue = new MemoryQueue(30);
    queue.maxReceiveCount = 3;
    queue.send('long:400');
    for (let drain = 0; drain < 5; drain++) {
      const { worker } = setupOn(queue);
      const running = worker.run();
      await until(() => queue.log.filter((l) => l.op === 'receive').length > drain);
      await worker.stop('spot interruption');
      await running;
    }
    expect(queue.stored).toHaveLength(1);
    expect(queue.stored[0].releases).toBeGreaterThanOrEqual(5);
    const { worker, processed } = setupOn(queue);
    const running = worker.run();
    await until(() => processed.length === 1);
    await worker.stop('done');
    await running;
    expect(processed.map((p) => p.key)).toEqual(['long']);
    expect(queue.dead).toHaveLength(0);
    expect(queue.stored).toHaveLength(0);
  });

  it('past the free-release cap a release counts again, so a file released forever still reaches the DLQ', async () => {
    const queue = new MemoryQueue(30);
    queue.maxReceiveCount = 3;
    queue.send('forever:60000');
    const receives = () => queue.log.filter((l) => l.op === 'receive').length;
    for (let drain = 0; drain < 8 && queue.dead.length === 0; drain++) {
      const { worker } = setupOn(queue, { maxFreeReleases: 2 });
      const before = receives();
      const running = worker.run();
      await until(() => receives() > before || queue.dead.length > 0);
      await worker.stop('scale-in');
      await running;
    }
    // Two free releases, then three counted receives: the third release sends it to the DLQ.
    expect(queue.dead.map((m) => [m.body, m.releases])).toEqual([['forever:60000', 2]]);
  });

  it('a poison message (it always fails) reaches the DLQ after maxReceiveCount receives', async () => {
    const queue = new MemoryQueue(30);
    queue.maxReceiveCount = 3;
    queue.send('poison:1:bad');
    const { worker, errors } = setupOn(queue);
    const running = worker.run();
    await until(() => queue.dead.length === 1 || errors.length > 3);
    await worker.stop('test');
    await running;
    expect(errors.map((e) => e.err.reason)).toEqual(['message body is not JSON', 'message body is not JSON', 'message body is not JSON']);
    expect(queue.dead.map((m) => [m.body, m.receiveCount])).toEqual([['poison:1:bad', 3]]);
  });

  it('with prefetch, receives in batches and starts the next file without waiting for a receive', async () => {
    const { queue, worker, active, processed } = setup({ prefetch: 4 });
    queue.send(...Array.from({ length: 12 }, (_, i) => `f${i}:30`));
    const running = worker.run();
    await until(() => processed.length === 12);
    await worker.stop('test');
    await running;
    const receives = queue.log.filter((l) => l.op === 'receive');
    expect(active.max).toBe(2);
    expect(receives.length).toBeLessThanOrEqual(5);
    expect(Math.max(...receives.map((r) => r.ids.length))).toBe(6);
  });

  it('reports a stale receipt handle instead of calling the message processed', async () => {
    const { queue, worker, processed } = setup();
    const [id] = queue.send('late:5');
    queue.staleOnDelete.add(id);
    const stale: string[] = [];
    worker.on('ack_stale', (m, reason) => stale.push(`${m.messageId} ${reason}`));
    const running = worker.run();
    await until(() => stale.length === 1);
    await worker.stop('test');
    await running;
    expect(stale[0]).toMatch(/ReceiptHandleIsInvalid/);
    expect(processed).toHaveLength(0);
  });
});
