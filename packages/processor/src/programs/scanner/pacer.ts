import { sleep } from '../../core/backoff';

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: Clock = { now: () => performance.now(), sleep };

/**
 * Spaces sends so that at most `perMinute` messages go out per minute, over any window (give or
 * take one batch). Time not used is not saved up: a scan that spent ten minutes over unchanged
 * objects does not then send ten minutes' worth at once.
 */
export class Pacer {
  private nextAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly perMinute: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(perMinute > 0)) throw new RangeError(`rate must be positive, got ${perMinute}`);
  }

  /** Waits until `count` messages may be sent. Calls are served in order. */
  async take(count: number, signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const at = Math.max(this.nextAt, now);
    this.nextAt = at + (count * 60_000) / this.perMinute;
    if (at > now) await this.clock.sleep(at - now, signal);
  }

  /**
   * Messages per SendMessageBatch at this rate: about one second's worth (1–10), so a low rate
   * trickles evenly instead of sending bursts of ten.
   */
  batchSize(): number {
    return Math.max(1, Math.min(10, Math.floor(this.perMinute / 60)));
  }
}
