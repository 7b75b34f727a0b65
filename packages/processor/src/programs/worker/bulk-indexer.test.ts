import type { BulkItemResult, BulkOp } from '../../adapters/opensearch/opensearch-bulk';
import { BulkIndexer, type BulkEvent, type BulkTarget } from './bulk-indexer';

const op = (id: string, text = 'x'): BulkOp => ({ kind: 'index', index: 'files', id, source: { text } });

/** Records every request; `answer` decides each item's result. */
function target(answer: (id: string, call: number) => Partial<BulkItemResult> = () => ({ ok: true, status: 201 })) {
  const calls: Array<{ ids: string[]; bytes: number }> = [];
  let active = 0;
  let maxActive = 0;
  const t: BulkTarget = {
    async bulk(ops, encoded) {
      active++;
      maxActive = Math.max(maxActive, active);
      calls.push({ ids: ops.map((o) => o.id), bytes: encoded.reduce((n, l) => n + Buffer.byteLength(l), 0) });
      await new Promise((r) => setTimeout(r, 5));
      active--;
      const n = calls.length;
      return ops.map((o) => ({ id: o.id, ok: false, status: 0, ...answer(o.id, n) }));
    },
  };
  return { t, calls, maxActive: () => maxActive };
}

describe('BulkIndexer', () => {
  it('splits by bytes, sends one request at a time and resolves every item', async () => {
    const { t, calls, maxActive } = target();
    const indexer = new BulkIndexer(t, { maxBytes: 1000, lingerMs: 0, retryBudgetMs: 1000 });
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => indexer.submit(op(`d${i}`, 'a'.repeat(300)))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(calls.flatMap((c) => c.ids).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `d${i}`).sort());
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.every((c) => c.bytes <= 1000)).toBe(true);
    expect(maxActive()).toBe(1);
    expect(indexer.pendingBytes).toBe(0);
  });

  it('lets documents submitted within the linger share a request', async () => {
    const { t, calls } = target();
    const indexer = new BulkIndexer(t, { maxBytes: 1e6, lingerMs: 50, retryBudgetMs: 1000 });
    const a = indexer.submit(op('a'));
    await new Promise((r) => setTimeout(r, 10));
    const b = indexer.submit(op('b'));
    await Promise.all([a, b]);
    expect(calls).toEqual([{ ids: ['a', 'b'], bytes: expect.any(Number) }]);
  });

  it('retries only the items that failed retryably and reports permanent refusals at once', async () => {
    const { t, calls } = target((id, call) => {
      if (id === 'busy' && call === 1) return { status: 429, error: 'es_rejected_execution_exception', retryable: true };
      if (id === 'bad') return { status: 400, error: 'mapper_parsing_exception: failed to parse field [size]', retryable: false };
      return { ok: true, status: 201 };
    });
    const events: BulkEvent[] = [];
    const indexer = new BulkIndexer(t, { maxBytes: 1e6, lingerMs: 5, retryBudgetMs: 5000, retryBaseMs: 1, retryCapMs: 5 });
    indexer.on('bulk', (e) => events.push(e));
    const [ok, busy, bad] = await Promise.all([indexer.submit(op('ok')), indexer.submit(op('busy')), indexer.submit(op('bad'))]);
    expect(ok.ok).toBe(true);
    expect(busy.ok).toBe(true);
    expect(bad).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/mapper_parsing_exception/) });
    expect(calls.map((c) => c.ids)).toEqual([['ok', 'busy', 'bad'], ['busy']]);
    expect(events[0]).toMatchObject({ docs: 3, ok: 1, rejected: 1, retrying: 1 });
  });

  it('gives an item up as retryable once the retry budget is spent', async () => {
    const { t, calls } = target(() => ({ status: 503, error: 'bulk request failed: unavailable', retryable: true }));
    const indexer = new BulkIndexer(t, { maxBytes: 1e6, lingerMs: 0, retryBudgetMs: 60, retryBaseMs: 5, retryCapMs: 10 });
    const r = await indexer.submit(op('a'));
    expect(r).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/still failing after \d+ attempt/) });
    expect(calls.length).toBeGreaterThan(1);
  });

  it('on drain sends waiting items at once, ignoring linger and backoff, one last time', async () => {
    let down = true;
    const { t, calls } = target(() => (down ? { status: 0, error: 'connect ECONNREFUSED', retryable: true } : { ok: true, status: 201 }));
    const indexer = new BulkIndexer(t, { maxBytes: 1e6, lingerMs: 0, retryBudgetMs: 60_000, retryBaseMs: 60_000, retryCapMs: 60_000 });
    const waiting = indexer.submit(op('a'));
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, 10));
    down = false;
    const lingering = new BulkIndexer(t, { maxBytes: 1e6, lingerMs: 60_000, retryBudgetMs: 60_000 });
    const late = lingering.submit(op('b'));
    await Promise.all([indexer.drain(), lingering.drain()]);
    expect(await waiting).toMatchObject({ ok: true });
    expect(await late).toMatchObject({ ok: true });
  });

  it('abandon resolves queued items as retryable failures', async () => {
    const { t, calls } = target();
    const indexer = new BulkIndexer(t, { maxBytes: 1e6, lingerMs: 60_000, retryBudgetMs: 1000 });
    const p = indexer.submit(op('a'));
    indexer.abandon('worker stopped');
    expect(await p).toMatchObject({ ok: false, retryable: true, error: 'worker stopped' });
    expect(calls).toHaveLength(0);
  });
});

describe('BulkIndexer.expedite', () => {
  it('sends lingering documents at once', async () => {
    const { t, calls } = target();
    const indexer = new BulkIndexer(t, { maxBytes: 1e6, lingerMs: 60_000, retryBudgetMs: 1000 });
    const p = indexer.submit(op('a'));
    indexer.expedite();
    expect(await p).toMatchObject({ ok: true });
    expect(calls).toHaveLength(1);
  });
});
