import { forEachConcurrent } from './concurrency';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('forEachConcurrent', () => {
  it('keeps at most `limit` in flight and does not wait for the slowest before starting more', async () => {
    let inFlight = 0;
    let peak = 0;
    const order: number[] = [];
    await forEachConcurrent([200, 10, 10, 10, 10], 2, async (ms) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(ms);
      order.push(ms);
      inFlight--;
    });
    expect(peak).toBe(2);
    // The four short items finish while the long one is still running.
    expect(order).toEqual([10, 10, 10, 10, 200]);
  });

  it('accepts async iterables and propagates the first error after in-flight work settles', async () => {
    async function* gen() {
      yield 1;
      yield 2;
      yield 3;
    }
    const seen: number[] = [];
    await expect(
      forEachConcurrent(gen(), 1, async (n) => {
        seen.push(n);
        if (n === 2) throw new Error('two');
      }),
    ).rejects.toThrow('two');
    expect(seen).toEqual([1, 2]);
  });
});
