import { EventEmitter } from 'node:events';
import { errorMessage } from '../../core/errors';
import type { Imds } from './imds';

export interface SpotNotice {
  kind: 'interruption' | 'rebalance';
  /** The metadata document as IMDS returned it (action and time, or noticeTime). */
  detail: string;
}

/**
 * Polls IMDSv2 for a Spot interruption notice (two minutes before the instance is stopped or
 * terminated) and for a rebalance recommendation (an elevated risk of interruption), and emits
 * 'notice' once. Off EC2 (no metadata service answers the first token request) it emits
 * 'unavailable' and stops.
 */
export class SpotNoticeWatcher extends EventEmitter<{ notice: [SpotNotice]; unavailable: [string]; poll_error: [string] }> {
  private timer: NodeJS.Timeout | undefined;
  private polledOnce = false;
  private noticed = false;

  constructor(
    private readonly imds: Imds,
    private readonly pollMs: number,
  ) {
    super();
  }

  start(): void {
    if (this.timer) return;
    const tick = async () => {
      await this.poll();
      if (this.timer && !this.noticed) this.timer = setTimeout(tick, this.pollMs).unref();
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  async poll(): Promise<void> {
    try {
      const action = await this.imds.get('/latest/meta-data/spot/instance-action');
      const rebalance = action.status === 200 ? undefined : await this.imds.get('/latest/meta-data/events/recommendations/rebalance');
      this.polledOnce = true;
      if (action.status === 200) this.notice({ kind: 'interruption', detail: action.body });
      else if (rebalance?.status === 200) this.notice({ kind: 'rebalance', detail: rebalance.body });
    } catch (err) {
      if (!this.polledOnce) {
        this.stop();
        this.emit('unavailable', errorMessage(err));
        return;
      }
      this.emit('poll_error', errorMessage(err));
    }
  }

  private notice(n: SpotNotice): void {
    if (this.noticed) return;
    this.noticed = true;
    this.stop();
    this.emit('notice', n);
  }
}
