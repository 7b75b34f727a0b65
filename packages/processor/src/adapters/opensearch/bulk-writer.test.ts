import type { BulkEvent } from '../../core/document-writer';
import type { IndexDocument } from '../../core/types';
import { BulkWriter, type BulkTarget } from './bulk-writer';
import type { BulkItemResult, BulkOp } from './opensearch-bulk';

const doc = (id: string, text = 'x'): IndexDocument => ({
  id,
  path: `${id}.txt`,
  name: `${id}.txt`,
  size: text.length,
  mtime: '2026-01-02T03:04:05.000Z',
  sha256: 'a'.repeat(64),
  mime: 'text/plain',
  kind: 'text',
  pages: 1,
  text,
  ocrPages: [],
  status: 'indexed',
  language: 'other',
  indexedAt: '2026-01-02T03:04:06.000Z',
});

/** Records every request; `answer` decides each item's result. */
function target(answer: (id: string, call: number) => Partial<BulkItemResult> = () => ({ ok: true, status: 201 })) {
  const calls: Array<{ ids: string[]; bytes: number; ops: readonly BulkOp[] }> = [];
  let active = 0;
  let maxActive = 0;
  const t: BulkTarget = {
    name: 'files',
    async bulk(ops, encoded) {
      active++;
      maxActive = Math.max(maxActive, active);
      calls.push({ ids: ops.map((o) => o.id), bytes: encoded.reduce((n, l) => n + Buffer.byteLength(l), 0), ops });
      await new Promise((r) => setTimeout(r, 5));
      active--;
      const n = calls.length;
      return ops.map((o) => ({ id: o.id, ok: false, status: 0, ...answer(o.id, n) }));
    },
  };
  return { t, calls, maxActive: () => maxActive };
}

describe('BulkWriter', () => {
  it('splits by bytes, sends one request at a time and resolves every item', async () => {
    const { t, calls, maxActive } = target();
    const writer = new BulkWriter(t, { maxBytes: 1000, lingerMs: 0, retryBudgetMs: 1000 });
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => writer.put(doc(`d${i}`, 'a'.repeat(300)))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(calls.flatMap((c) => c.ids).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `d${i}`).sort());
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.every((c) => c.bytes <= 1000)).toBe(true);
    expect(maxActive()).toBe(1);
    expect(writer.pendingBytes).toBe(0);
  });

  it('lets documents submitted within the linger share a request', async () => {
    const { t, calls } = target();
    const writer = new BulkWriter(t, { maxBytes: 1e6, lingerMs: 50, retryBudgetMs: 1000 });
    const a = writer.put(doc('a'));
    await new Promise((r) => setTimeout(r, 10));
    const b = writer.put(doc('b'));
    await Promise.all([a, b]);
    expect(calls).toEqual([{ ids: ['a', 'b'], bytes: expect.any(Number), ops: expect.any(Array) }]);
  });

  it('retries only the items that failed retryably and reports permanent refusals at once', async () => {
    const { t, calls } = target((id, call) => {
      if (id === 'busy' && call === 1) return { status: 429, error: 'es_rejected_execution_exception', retryable: true };
      if (id === 'bad') return { status: 400, error: 'mapper_parsing_exception: failed to parse field [size]', retryable: false };
      return { ok: true, status: 201 };
    });
    const events: BulkEvent[] = [];
    const writer = new BulkWriter(t, { maxBytes: 1e6, lingerMs: 5, retryBudgetMs: 5000, retryBaseMs: 1, retryCapMs: 5 });
    writer.on('bulk', (e) => events.push(e));
    const [ok, busy, bad] = await Promise.all([writer.put(doc('ok')), writer.put(doc('busy')), writer.put(doc('bad'))]);
    expect(ok.ok).toBe(true);
    expect(busy.ok).toBe(true);
    expect(bad).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/mapper_parsing_exception/) });
    expect(calls.map((c) => c.ids)).toEqual([['ok', 'busy', 'bad'], ['busy']]);
    expect(events[0]).toMatchObject({ docs: 3, ok: 1, rejected: 1, retrying: 1 });
  });

  it('gives an item up as retryable once the retry budget is spent', async () => {
    const { t, calls } = target(() => ({ status: 503, error: 'bulk request failed: unavailable', retryable: true }));
    const writer = new BulkWriter(t, { maxBytes: 1e6, lingerMs: 0, retryBudgetMs: 60, retryBaseMs: 5, retryCapMs: 10 });
    const r = await writer.put(doc('a'));
    expect(r).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/still failing after \d+ attempt/) });
    expect(calls.length).toBeGreaterThan(1);
  });

  it('on drain sends waiting items at once, ignoring linger and backoff, one last time', async () => {
    let down = true;
    const { t, calls } = target(() => (down ? { status: 0, error: 'connect ECONNREFUSED', retryable: true } : { ok: true, status: 201 }));
    const writer = new BulkWriter(t, { maxBytes: 1e6, lingerMs: 0, retryBudgetMs: 60_000, retryBaseMs: 60_000, retryCapMs: 60_000 });
    const waiting = writer.put(doc('a'));
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, 10));
    down = false;
    const lingering = new BulkWriter(t, { maxBytes: 1e6, lingerMs: 60_000, retryBudgetMs: 60_000 });
    const late = lingering.put(doc('b'));
    await Promise.all([writer.drain(), lingering.drain()]);
    expect(await waiting).toMatchObject({ ok: true });
    expect(await late).toMatchObject({ ok: true });
  });

  it('abandon resolves queued items as retryable failures', async () => {
    const { t, calls } = target();
    const writer = new BulkWriter(t, { maxBytes: 1e6, lingerMs: 60_000, retryBudgetMs: 1000 });
    const p = writer.put(doc('a'));
    writer.abandon('worker stopped');
    expect(await p).toMatchObject({ ok: false, retryable: true, error: 'worker stopped' });
    expect(calls).toHaveLength(0);
  });
});

describe('BulkWriter operations', () => {
  it('puts a document versioned by its mtime into the target index, and deletes by id', async () => {
    const { t, calls } = target(() => ({ ok: true, status: 200 }));
    const writer = new BulkWriter(t, { maxBytes: 1e6, lingerMs: 0, retryBudgetMs: 1000 });
    await Promise.all([writer.put(doc('a', '見積書')), writer.delete('b')]);
    const ops = calls.flatMap((c) => c.ops);
    expect(ops[0]).toMatchObject({ kind: 'index', index: 'files', id: 'a', version: Date.parse('2026-01-02T03:04:05.000Z'), source: { text: '見積書' } });
    expect(ops[1]).toEqual({ kind: 'delete', index: 'files', id: 'b' });
  });
});

describe('BulkWriter.expedite', () => {
  it('sends lingering documents at once', async () => {
    const { t, calls } = target();
    const writer = new BulkWriter(t, { maxBytes: 1e6, lingerMs: 60_000, retryBudgetMs: 1000 });
    const p = writer.put(doc('a'));
    writer.expedite();
    expect(await p).toMatchObject({ ok: true });
    expect(calls).toHaveLength(1);
  });
});
