import type { Accuracy, CerTotal, Ratio } from './score';
import type { StageStats } from './stats';

/** One side of the comparison, in the units the table prints. */
export interface Side {
  name: string;
  error?: string;
  files: number;
  /** Wall-clock seconds of the whole process (start-up and model loading included). */
  seconds: number;
  filesPerMin: number;
  ocrPages: number;
  ocrPagesPerMin: number;
  /** Busy OCR seconds per page, summed over workers (engine cost, not wall time). */
  ocrSecondsPerPage?: number;
  peakRssBytes: number;
  indexed: number;
  metadataOnly: number;
  failed: number;
  stages: Record<string, Pick<StageStats, 'p50Ms' | 'p95Ms' | 'totalMs'>>;
  accuracy?: Accuracy;
}

const pct = (v: number, digits = 2) => `${(v * 100).toFixed(digits)}%`;
const num = (v: number | undefined, digits = 1) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b || !Number.isFinite(a / b) ? '–' : (a / b).toFixed(2));
const share = (r: Ratio) => (r.total ? `${r.found}/${r.total} (${pct(r.found / r.total, 1)})` : '–');
const cer = (c: CerTotal | undefined) => (c && c.chars ? `${pct(c.cer)} (${c.files} files)` : '–');

function row(label: string, a: string, b: string, r = ''): string {
  return `${label.padEnd(26)}${a.padStart(22)}${b.padStart(22)}${r.padStart(12)}`;
}

export function formatComparison(ours: Side | undefined, native: Side): string {
  const o = ours && !ours.error ? ours : undefined;
  const lines = [
    row('', 'ours (cis index)', 'native (CLI tools)', 'ours/native'),
    row('files', o ? String(o.files) : '–', String(native.files)),
    row('wall time', o ? `${num(o.seconds)} s` : '–', `${num(native.seconds)} s`, ratio(o?.seconds, native.seconds)),
    row('files/min', num(o?.filesPerMin), num(native.filesPerMin), ratio(o?.filesPerMin, native.filesPerMin)),
    row('OCR pages', o ? String(o.ocrPages) : '–', String(native.ocrPages)),
    row('OCR pages/min', num(o?.ocrPagesPerMin), num(native.ocrPagesPerMin), ratio(o?.ocrPagesPerMin, native.ocrPagesPerMin)),
    row('OCR s/page (busy)', num(o?.ocrSecondsPerPage, 2), num(native.ocrSecondsPerPage, 2), ratio(o?.ocrSecondsPerPage, native.ocrSecondsPerPage)),
    row('peak RSS (process tree)', o ? mb(o.peakRssBytes) : '–', mb(native.peakRssBytes), ratio(o?.peakRssBytes, native.peakRssBytes)),
    row('CER ja (order-free)', cer(o?.accuracy?.cer.ja), cer(native.accuracy?.cer.ja), ratio(o?.accuracy?.cer.ja.cer, native.accuracy?.cer.ja.cer)),
    row('CER en (order-free)', cer(o?.accuracy?.cer.en), cer(native.accuracy?.cer.en), ratio(o?.accuracy?.cer.en.cer, native.accuracy?.cer.en.cer)),
    row('expected words found', o?.accuracy ? share(o.accuracy.words) : '–', native.accuracy ? share(native.accuracy.words) : '–'),
  ];
  const kinds = [...new Set([...Object.keys(o?.accuracy?.words.byKind ?? {}), ...Object.keys(native.accuracy?.words.byKind ?? {})])].sort();
  for (const k of kinds) {
    lines.push(row(`  in ${k}`, o?.accuracy?.words.byKind[k] ? share(o.accuracy.words.byKind[k]) : '–', native.accuracy?.words.byKind[k] ? share(native.accuracy.words.byKind[k]) : '–'));
  }
  lines.push(
    row('indexed / metadata / failed', o ? `${o.indexed} / ${o.metadataOnly} / ${o.failed}` : '–', `${native.indexed} / ${native.metadataOnly} / ${native.failed}`),
    row('outcome as in manifest', o?.accuracy ? share(o.accuracy.outcomes) : '–', native.accuracy ? share(native.accuracy.outcomes) : '–'),
  );
  return lines.join('\n');
}

export function formatStages(side: Side): string {
  const lines = [`${side.name}: stage               p50 ms    p95 ms    total s`];
  for (const [stage, s] of Object.entries(side.stages)) {
    lines.push(`  ${stage.padEnd(20)}${s.p50Ms.toFixed(1).padStart(14)}${s.p95Ms.toFixed(1).padStart(10)}${(s.totalMs / 1000).toFixed(1).padStart(11)}`);
  }
  return lines.join('\n');
}

/**
 * The extraction sandbox's cost on the normal path: time spent handing files to the extraction
 * processes and back (IPC, supervision, starting the processes), as a share of the extract stage.
 */
export function formatIsolation(side: Side): string | undefined {
  const iso = side.stages.isolation;
  const extract = side.stages.extract;
  if (!iso || !extract || extract.totalMs <= 0) return undefined;
  return (
    `${side.name}: isolation overhead (extraction processes: IPC, supervision, start-ups): ` +
    `p50 ${iso.p50Ms.toFixed(1)} ms per file, total ${(iso.totalMs / 1000).toFixed(2)} s = ${pct(iso.totalMs / extract.totalMs)} of the extract stage ` +
    `(${(extract.totalMs / 1000).toFixed(1)} s, OCR included)`
  );
}

export function formatMismatches(side: Side, limit = 12): string {
  const m = side.accuracy?.outcomes.mismatches ?? [];
  if (m.length === 0) return `${side.name}: every file ended as the manifest expects`;
  const lines = [`${side.name}: ${m.length} file(s) ended otherwise than the manifest expects:`];
  for (const x of m.slice(0, limit)) lines.push(`  ${x.path}: expected ${x.expected}, got ${x.got}${x.reason ? ` (${x.reason.slice(0, 90)})` : ''}`);
  if (m.length > limit) lines.push(`  … and ${m.length - limit} more`);
  return lines.join('\n');
}
