import { BatchSender, QueueSendError, type BatchEntryFailure, type SendBatch, type SendBatchResult } from './batch-sender';
import { Pacer } from './pacer';

interface Call {
  bodies: string[];
}

/** A scripted SendMessageBatch: each call answers with the next function's result (default: all ok). */
function scriptedSend(script: Array<(entries: Array<{ id: string; body: string }>) => SendBatchResult | Error> = []) {
  const calls: Call[] = [];
  const send: SendBatch = async (entries) => {
    calls.push({ bodies: entries.map((e) => e.body) });
    const step = script.shift();
    const result = step ? step(entries) : { ok: entries.map((e) => e.id), failed: [] };
    if (result instanceof Error) throw result;
    return result;
  };
  return { send, calls };
}

function collector() {
  const accepted: string[] = [];
  const failed: Array<{ item: string; reason: string }> = [];
  return {
    accepted,
    failed,
    onAccepted: (items: string[]) => accepted.push(...items),
    onFailed: (item: string, reason: string) => failed.push({ item, reason }),
  };
}

const noSleep = async () => {};

async function sendAll(sender: BatchSender<string>, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) await sender.add(`m${i}`, `m${i}`);
}

function failSome(failing: string[], fault: Partial<BatchEntryFailure> = {}) {
  return (entries: Array<{ id: string; body: string }>): SendBatchResult => ({
    ok: entries.filter((e) => !failing.includes(e.body)).map((e) => e.id),
    failed: entries
      .filter((e) => failing.includes(e.body))
      .map((e) => ({ id: e.id, senderFault: false, reason: 'InternalError: try again', ...fault })),
  });
}

describe('BatchSender', () => {
  it('sends in batches of ten, the rest when flushed', async () => {
    const { send, calls } = scriptedSend();
    const c = collector();
    const sender = new BatchSender<string>({ send, ...c, sleep: noSleep });
    await sendAll(sender, 23);
    await sender.flush();
    expect(calls.map((x) => x.bodies.length)).toEqual([10, 10, 3]);
    expect(c.accepted).toHaveLength(23);
    expect(new Set(c.accepted).size).toBe(23);
    expect(c.failed).toEqual([]);
  });

  it('resends only the entries the queue failed on its side, until they pass', async () => {
    const { send, calls } = scriptedSend([failSome(['m2', 'm7']), failSome(['m7'])]);
    const c = collector();
    const sender = new BatchSender<string>({ send, ...c, sleep: noSleep });
    await sendAll(sender, 10);
    await sender.flush();
    expect(calls.map((x) => x.bodies)).toEqual([
      ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9'],
      ['m2', 'm7'],
      ['m7'],
    ]);
    expect([...c.accepted].sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    expect(c.failed).toEqual([]);
  });

  it('reports an entry still failing after the last attempt, with the reason, and keeps the others', async () => {
    const always = failSome(['m1']);
    const { send, calls } = scriptedSend([always, always, always]);
    const c = collector();
    const sender = new BatchSender<string>({ send, ...c, attempts: 3, sleep: noSleep });
    await sendAll(sender, 3);
    await sender.flush();
    expect(calls).toHaveLength(3);
    expect(c.accepted.sort()).toEqual(['m0', 'm2']);
    expect(c.failed).toEqual([{ item: 'm1', reason: 'InternalError: try again (after 3 attempts)' }]);
  });

  it('does not resend an entry the queue refused (sender fault)', async () => {
    const { send, calls } = scriptedSend([failSome(['m0'], { senderFault: true, reason: 'InvalidMessageContents: bad character' })]);
    const c = collector();
    const sender = new BatchSender<string>({ send, ...c, sleep: noSleep });
    await sendAll(sender, 2);
    await sender.flush();
    expect(calls).toHaveLength(1);
    expect(c.accepted).toEqual(['m1']);
    expect(c.failed).toEqual([{ item: 'm0', reason: 'InvalidMessageContents: bad character' }]);
  });

  it('treats an entry the answer does not mention as unconfirmed and sends it again', async () => {
    const { send, calls } = scriptedSend([(entries) => ({ ok: [entries[0].id], failed: [] })]);
    const c = collector();
    const sender = new BatchSender<string>({ send, ...c, sleep: noSleep });
    await sendAll(sender, 2);
    await sender.flush();
    expect(calls.map((x) => x.bodies)).toEqual([['m0', 'm1'], ['m1']]);
    expect(c.accepted).toEqual(['m0', 'm1']);
  });

  it('repeats a call that failed as a whole with a fault that may pass (network, throttling)', async () => {
    const network = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const throttled = Object.assign(new Error('Rate exceeded'), { $fault: 'client', $retryable: { throttling: true } });
    const { send, calls } = scriptedSend([() => network, () => throttled]);
    const c = collector();
    const sleeps: number[] = [];
    const sender = new BatchSender<string>({ send, ...c, retryBaseMs: 100, sleep: async (ms) => void sleeps.push(ms) });
    await sendAll(sender, 4);
    await sender.flush();
    expect(calls).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(c.accepted).toHaveLength(4);
  });

  it('stops at once on a client error (queue does not exist): entries reported, add() and flush() throw', async () => {
    const gone = Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist', $fault: 'client' });
    const { send, calls } = scriptedSend([() => ({ ok: ['0', '1'], failed: [] }), () => gone]);
    const c = collector();
    const sender = new BatchSender<string>({ send, ...c, batchSize: 2, sleep: noSleep });
    await sendAll(sender, 4); // two calls: the second fails
    await expect(sender.flush()).rejects.toBeInstanceOf(QueueSendError);
    await expect(sender.add('m9', 'm9')).rejects.toThrow(/queue does not exist/);
    expect(calls).toHaveLength(2);
    expect(c.accepted).toEqual(['m0', 'm1']);
    expect(c.failed.map((f) => f.item)).toEqual(['m2', 'm3', 'm9']);
    expect(c.failed[0].reason).toBe('SendMessageBatch failed: The specified queue does not exist.');
    expect(c.failed[2].reason).toMatch(/^not sent: /);
  });

  it('gives up on a call that keeps failing after the last attempt', async () => {
    const down = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const { send, calls } = scriptedSend([down, down, down]);
    const c = collector();
    const sender = new BatchSender<string>({ send, ...c, attempts: 3, sleep: noSleep });
    await sendAll(sender, 1);
    await expect(sender.flush()).rejects.toThrow(/ECONNREFUSED/);
    expect(calls).toHaveLength(3);
    expect(c.failed).toEqual([{ item: 'm0', reason: 'SendMessageBatch failed: connect ECONNREFUSED' }]);
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const send: SendBatch = async (entries) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { ok: entries.map((e) => e.id), failed: [] };
    };
    const c = collector();
    const sender = new BatchSender<string>({ send, ...c, concurrency: 3 });
    await sendAll(sender, 100);
    await sender.flush();
    expect(most).toBe(3);
    expect(c.accepted).toHaveLength(100);
  });

  it('sends a partly filled batch after the linger time without waiting for more', async () => {
    const { send, calls } = scriptedSend();
    const c = collector();
    const sender = new BatchSender<string>({ send, ...c, lingerMs: 20 });
    await sendAll(sender, 3);
    expect(calls).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(calls.map((x) => x.bodies.length)).toEqual([3]);
    expect(c.accepted).toHaveLength(3);
    await sender.flush();
  });

  it('settle() reports what was never sent and waits for calls in flight', async () => {
    let release!: () => void;
    const send: SendBatch = async (entries) => {
      await new Promise<void>((r) => (release = r));
      return { ok: entries.map((e) => e.id), failed: [] };
    };
    const c = collector();
    const sender = new BatchSender<string>({ send, ...c, batchSize: 2 });
    await sendAll(sender, 3); // one call in flight (m0, m1), m2 waiting for a batch
    const settled = sender.settle('listing failed');
    release();
    await settled;
    expect(c.accepted).toEqual(['m0', 'm1']);
    expect(c.failed).toEqual([{ item: 'm2', reason: 'not sent: listing failed' }]);
  });

  it('paces calls with a rate limit', async () => {
    const { send, calls } = scriptedSend();
    const c = collector();
    const slept: number[] = [];
    const clock = { now: () => 0, sleep: async (ms: number) => void slept.push(ms) };
    const pacer = new Pacer(6000, clock); // 100/s: batches of 10 every 100 ms
    const sender = new BatchSender<string>({ send, ...c, pacer, batchSize: pacer.batchSize() });
    await sendAll(sender, 40);
    await sender.flush();
    expect(calls.map((x) => x.bodies.length)).toEqual([10, 10, 10, 10]);
    // No time passes on the fake clock: each batch waits 100 ms more than the one before.
    expect(slept).toEqual([100, 200, 300]);
  });

  it('an abort while waiting for the rate limit reports the waiting entries as not sent', async () => {
    const { send, calls } = scriptedSend();
    const c = collector();
    const abort = new AbortController();
    const pacer = new Pacer(60); // one per second
    const sender = new BatchSender<string>({ send, ...c, pacer, batchSize: 1, concurrency: 2, signal: abort.signal });
    await sendAll(sender, 2); // m0 goes at once, m1 waits a second for its turn
    abort.abort(new Error('SIGINT received'));
    await expect(sender.flush()).rejects.toThrow('SIGINT received');
    expect(calls.map((x) => x.bodies)).toEqual([['m0']]);
    expect(c.accepted).toEqual(['m0']);
    expect(c.failed).toEqual([{ item: 'm1', reason: 'not sent: SIGINT received' }]);
  });
});
