import { Pacer, type Clock } from './pacer';

function fakeClock(): Clock & { t: number; slept: number[] } {
  const c = {
    t: 0,
    slept: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.slept.push(ms);
      c.t += ms;
    },
  };
  return c;
}

describe('Pacer', () => {
  it('spaces batches so that no more than the rate goes out per minute', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(600, clock); // 10 per second
    for (let i = 0; i < 5; i++) await pacer.take(10);
    // The first batch goes at once, each next one a second later.
    expect(clock.slept).toEqual([1000, 1000, 1000, 1000]);
    expect(clock.t).toBe(4000);
  });

  it('does not save up idle time for a burst', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(60, clock); // 1 per second
    await pacer.take(1);
    clock.t += 60_000; // a minute of unchanged objects
    await pacer.take(1);
    await pacer.take(1);
    expect(clock.slept).toEqual([1000]);
  });

  it('sizes batches to about one second of the rate, 1 to 10 messages', () => {
    expect(new Pacer(100).batchSize()).toBe(1);
    expect(new Pacer(300).batchSize()).toBe(5);
    expect(new Pacer(100_000).batchSize()).toBe(10);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new Pacer(0)).toThrow(RangeError);
    expect(() => new Pacer(-5)).toThrow(RangeError);
    expect(() => new Pacer(Number.NaN)).toThrow(RangeError);
  });
});
