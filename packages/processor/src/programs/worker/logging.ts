import type { Logger } from '../../core/log';
import { keyOf } from './failure-recorder';
import type { Worker } from './worker';

/** Structured log lines for a worker's lifecycle: one per bulk batch, one per returned message, none per success at info. */
export function attachLogging(worker: Worker, log: Logger): void {
  let released = 0;
  let releasedCounted = 0;
  worker.on('bulk', (e) => log.info({ ...e, ms: Math.round(e.ms) }, 'bulk batch'));
  worker.on('message_processed', (m, info) =>
    log.debug({ key: info.key, status: info.status, reason: info.reason, processMs: Math.round(info.processMs), receiveCount: m.receiveCount }, 'file done'),
  );
  worker.on('processing_error', (err, m, r) =>
    log.warn(
      { messageId: m.messageId, key: keyOf(m), stage: err.stage, retryable: err.retryable, reason: err.reason, receiveCount: m.receiveCount, returnsInSeconds: r.returnsInSeconds },
      'message returned to the queue',
    ),
  );
  worker.on('ack_stale', (m, reason) =>
    log.warn({ messageId: m.messageId, key: keyOf(m), reason }, 'document stored, but the message had been handed out again; it will be skipped when it comes back'),
  );
  worker.on('ack_error', (m, reason) => log.warn({ messageId: m.messageId, key: keyOf(m), reason }, 'document stored, but the message could not be deleted'));
  worker.on('queue_error', (err, what) => log.warn({ what, err: err.message }, 'queue call failed'));
  worker.on('message_released', (m, _reason, how) => {
    released++;
    if (!how.copied) releasedCounted++;
    // A release that counts as a receive brings the file closer to the DLQ: worth a line.
    if (!how.copied) log.info({ messageId: m.messageId, key: keyOf(m), releases: m.releases, receiveCount: m.receiveCount }, 'released by visibility 0 (counts as a receive)');
  });
  worker.on('draining', (reason) => log.info({ reason, inFlight: worker.inFlight }, 'draining: no more receives; releasing messages in progress'));
  worker.on('stopped', () => log.info({ released, releasedCounted }, 'worker stopped'));
}
