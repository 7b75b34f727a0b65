import { containsWord, orderFreeCer, type Manifest } from '@cis/corpus';

export interface FileOutcome {
  path: string;
  status: string;
  text: string;
  reason?: string;
}

export interface Ratio {
  found: number;
  total: number;
}

export interface CerTotal {
  errors: number;
  chars: number;
  files: number;
  cer: number;
}

export interface Accuracy {
  /** Order-free CER over files whose every page is a scan (scanned PDFs, scan images), by language. */
  cer: { ja: CerTotal; en: CerTotal };
  words: Ratio & { byKind: Record<string, Ratio> };
  outcomes: Ratio & { mismatches: Array<{ path: string; expected: string; got: string; reason?: string }> };
}

export function score(manifest: Manifest, outcomes: Map<string, FileOutcome>): Accuracy {
  const cer = { ja: { errors: 0, chars: 0, files: 0, cer: 0 }, en: { errors: 0, chars: 0, files: 0, cer: 0 } };
  const words: Accuracy['words'] = { found: 0, total: 0, byKind: {} };
  const result: Accuracy['outcomes'] = { found: 0, total: 0, mismatches: [] };
  for (const e of manifest.entries) {
    const got = outcomes.get(e.path);
    result.total++;
    if (got?.status === e.expectedOutcome) result.found++;
    else result.mismatches.push({ path: e.path, expected: e.expectedOutcome, got: got?.status ?? 'absent', reason: got?.reason });
    const text = got?.text ?? '';
    if (e.ocrPages.length > 0 && e.textLayerPages.length === 0 && (e.language === 'ja' || e.language === 'en')) {
      const r = orderFreeCer(e.ocrPages.map((p) => p.text).join('\n'), text);
      const t = cer[e.language];
      t.errors += r.errors;
      t.chars += r.chars;
      t.files++;
    }
    if (e.expectedOutcome === 'indexed' && e.expectedWords.length) {
      const k = (words.byKind[e.kind] ??= { found: 0, total: 0 });
      for (const w of e.expectedWords) {
        const hit = containsWord(text, w);
        words.total++;
        k.total++;
        if (hit) {
          words.found++;
          k.found++;
        }
      }
    }
  }
  for (const t of [cer.ja, cer.en]) t.cer = t.chars ? t.errors / t.chars : 0;
  return { cer, words, outcomes: result };
}
