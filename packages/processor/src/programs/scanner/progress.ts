import { SingleBar } from 'cli-progress';
import { log } from '../../core/log';
import type { ScanProgress } from './run-scan';

export interface ProgressDisplay {
  update(p: ScanProgress): void;
  stop(): void;
}

/**
 * A bar on a terminal (enqueued of the messages found so far: the total grows while the listing
 * runs); elsewhere (CI, cron, pipes) a log line every `intervalMs`.
 */
export function createScanProgress(stream: NodeJS.WriteStream = process.stderr, intervalMs = 5000): ProgressDisplay {
  if (stream.isTTY) {
    const bar = new SingleBar({
      format: '{bar} {value}/{total} enqueued | {listed} listed | {failed} failed | {rate} files/min | {phase}',
      hideCursor: true,
      stream,
      fps: 5,
    });
    let started = false;
    return {
      update: (p) => {
        const payload = { listed: p.listed, failed: p.failed, rate: perMin(p), phase: p.phase };
        if (!started) {
          bar.start(Math.max(1, p.toSend), p.enqueued, payload);
          started = true;
        }
        bar.setTotal(Math.max(1, p.toSend));
        bar.update(p.enqueued, payload);
      },
      stop: () => {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let last = performance.now();
  return {
    update: (p) => {
      const now = performance.now();
      if (now - last < intervalMs) return;
      last = now;
      log.info({ ...p, elapsedMs: Math.round(p.elapsedMs), filesPerMin: perMin(p) }, 'scan progress');
    },
    stop: () => {},
  };
}

function perMin(p: ScanProgress): number {
  return p.elapsedMs > 0 ? Math.round((p.enqueued * 60_000) / p.elapsedMs) : 0;
}
