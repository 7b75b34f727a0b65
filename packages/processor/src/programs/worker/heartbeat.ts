import type { BatchOutcome, QueueMessage, WorkQueue } from '../../core/queue';

export interface HeartbeatOptions {
  visibilitySeconds: number;
  /** Messages whose invisibility ends within this many seconds are extended. */
  marginSeconds: number;
  /** How often leases are checked; default: a third of the margin, at most 30 s. */
  intervalMs?: number;
}

export interface HeartbeatReport {
  extended: QueueMessage[];
  outcome: BatchOutcome;
  ms: number;
}

/**
 * Keeps the messages this worker holds invisible while their files are still in progress:
 * each lease is extended by a full visibility timeout when it comes within `marginSeconds` of
 * running out, so a 20-minute OCR job is never handed to a second worker, while a crashed worker's
 * messages come back within one visibility timeout.
 */
export class Heartbeat {
  private readonly leases = new Map<QueueMessage, number>();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;

  constructor(
    private readonly queue: WorkQueue,
    private readonly opts: HeartbeatOptions,
    private readonly onBeat: (report: HeartbeatReport) => void = () => {},
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  get intervalMs(): number {
    return this.opts.intervalMs ?? Math.max(250, Math.min(30_000, (this.opts.marginSeconds * 1000) / 3));
  }

  get held(): number {
    return this.leases.size;
  }

  /** Starts tracking a message from the moment it was received. */
  hold(message: QueueMessage): void {
    this.leases.set(message, message.receivedAt + this.opts.visibilitySeconds * 1000);
  }

  /** Stops tracking (deleted or released). */
  drop(message: QueueMessage): void {
    this.leases.delete(message);
  }

  /** Messages still held (for the drain's final release). */
  heldMessages(): QueueMessage[] {
    return [...this.leases.keys()];
  }

  start(): void {
    this.timer ??= setInterval(() => void this.beat(), this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
  }

  /** Extends every lease that is about to run out; one check at a time. */
  beat(now = Date.now()): Promise<void> {
    if (this.beating) return this.beating;
    const due = [...this.leases].filter(([, until]) => until - now <= this.opts.marginSeconds * 1000).map(([m]) => m);
    if (due.length === 0) return Promise.resolve();
    this.beating = (async () => {
      try {
        // Counted from before the call: the queue's clock may start the new timeout any time after.
        const sentAt = Date.now();
        const started = performance.now();
        const outcome = await this.queue.changeVisibility(due, this.opts.visibilitySeconds);
        const ms = performance.now() - started;
        const ok = new Set(outcome.succeeded);
        for (const m of due) {
          if (ok.has(m.messageId) && this.leases.has(m)) this.leases.set(m, sentAt + this.opts.visibilitySeconds * 1000);
        }
        this.onBeat({ extended: due.filter((m) => ok.has(m.messageId)), outcome, ms });
      } catch (err) {
        this.onError(err);
      } finally {
        this.beating = undefined;
      }
    })();
    return this.beating;
  }
}
