import type { PreflightReport } from './run';
import type { CheckState } from './types';

const LABEL: Record<CheckState, string> = { pass: 'pass', warn: 'warn', fail: 'FAIL', unknown: 'unknown', skip: 'skip' };

/**
 * The report as a table: check, state, and what was found with what to do (→) underneath. Ends
 * with one line of counts.
 */
export function renderTable(report: PreflightReport): string {
  const header = `Preflight of ${report.stack} in aws://${report.account ?? '<unknown account>'}/${report.region} (Bedrock in ${report.bedrockRegion})`;
  const checkWidth = Math.max('check'.length, ...report.checks.map((c) => c.check.length));
  const stateWidth = Math.max('state'.length, ...report.checks.map((c) => LABEL[c.state].length));
  const indent = ' '.repeat(checkWidth + stateWidth + 4);
  const lines = [header, '', `${'check'.padEnd(checkWidth)}  ${'state'.padEnd(stateWidth)}  what to do`];
  for (const c of report.checks) {
    lines.push(`${c.check.padEnd(checkWidth)}  ${LABEL[c.state].padEnd(stateWidth)}  ${c.detail}`);
    if (c.action) lines.push(`${indent}→ ${c.action}`);
  }
  const counts = (['fail', 'unknown', 'warn', 'pass', 'skip'] as const)
    .map((s) => [s, report.checks.filter((c) => c.state === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s === 'unknown' ? 'could not be verified' : s === 'fail' ? 'failed' : s === 'warn' ? 'to look at' : s === 'pass' ? 'passed' : 'skipped'}`);
  lines.push('', counts.join(', '));
  return `${lines.join('\n')}\n`;
}

/** --json: the report, its counts and whether it passes. */
export function renderJson(report: PreflightReport, code: number): string {
  const summary = Object.fromEntries((['pass', 'warn', 'fail', 'unknown', 'skip'] as const).map((s) => [s, report.checks.filter((c) => c.state === s).length]));
  return `${JSON.stringify({ ...report, summary, ok: code === 0 }, null, 2)}\n`;
}
