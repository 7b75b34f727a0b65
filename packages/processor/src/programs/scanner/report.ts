import { formatBytes } from '../../core/format';
import type { ScanSummary } from './run-scan';
import type { PlannedMessage } from './scan-source';

/** Failures printed in the human summary; --json carries up to the summary's own cap. */
const SHOWN_FAILURES = 20;

/** The run summary as people read it. */
export function formatSummary(s: ScanSummary): string {
  const lines: string[] = [];
  if (s.aborted) lines.push(`STOPPED: ${s.aborted}`);
  lines.push(
    `${s.dryRun ? 'dry run: ' : ''}${s.source} → ${s.queueUrl}${s.mode === 'local' ? ` (bucket ${s.bucket}${s.prefix ? `, prefix ${s.prefix}` : ''})` : ''}`,
    `listed ${s.listed}: ${s.new} new, ${s.changed} changed, ${s.unchanged} unchanged; ${s.deleted} deleted since the last run${s.full ? ' (--full: all re-enqueued)' : ''}`,
  );
  if (s.dryRun) {
    lines.push(`would enqueue ${s.planned} message(s); nothing was sent, uploaded or recorded`);
  } else {
    lines.push(
      `enqueued ${s.enqueued} (${s.enqueuedUpserts} upsert, ${s.enqueuedDeletes} delete), failed ${s.failed}` +
        `${s.mode === 'local' ? `; uploaded ${s.uploaded} file(s), ${formatBytes(s.uploadedBytes)}` : ''}`,
      `${s.seconds} s, ${s.filesPerMin} files/min${s.ratePerMin !== null ? ` (limit ${s.ratePerMin}/min)` : ''}`,
    );
  }
  if (s.deletesSkipped) lines.push(`deletions: ${s.deletesSkipped}`);
  for (const f of s.failures.slice(0, SHOWN_FAILURES)) lines.push(`  failed (${f.stage}): ${f.key}: ${f.reason}`);
  if (s.failed > SHOWN_FAILURES) lines.push(`  … and ${s.failed - SHOWN_FAILURES} more (--json lists up to ${s.failures.length})`);
  if (s.failed > 0 && !s.dryRun) lines.push('files that failed are not in the manifest: the next run tries them again');
  lines.push(`manifest: ${s.manifest}`);
  return `${lines.join('\n')}\n`;
}

/** One line per message a dry run would send. */
export function formatPlanned(m: PlannedMessage): string {
  if (m.op === 'delete') return `delete  ${m.key}\n`;
  const what = m.upload !== undefined ? `${m.upload} → ${m.key}` : m.key;
  return `upsert  ${what}  (${m.change}, ${formatBytes(m.size ?? 0)})\n`;
}
