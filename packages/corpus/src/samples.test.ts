import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSet } from './build';
import type { Manifest } from './manifest';
import { samplesDir as samplesFolder, samplesManifestPath } from './paths';
import { sampleSpecs } from './sets';
import { containsWord } from './text/match';

const samplesDir = samplesFolder();
const committed = JSON.parse(readFileSync(samplesManifestPath(), 'utf8')) as Manifest;

describe('the samples manifest', () => {
  it('lists exactly the files in samples/, with their sizes and hashes', () => {
    const onDisk = readdirSync(samplesDir).sort();
    expect(committed.entries.map((e) => e.path).sort()).toEqual(onDisk);
    for (const e of committed.entries) {
      const data = readFileSync(join(samplesDir, e.path));
      expect({ path: e.path, size: data.length, sha256: createHash('sha256').update(data).digest('hex') }).toEqual({ path: e.path, size: e.size, sha256: e.sha256 });
    }
  });

  it('gives every indexable document words to find, and every OCR page its ground truth', () => {
    for (const e of committed.entries) {
      if (e.expectedOutcome === 'indexed' && e.kind !== 'photo') expect({ path: e.path, words: e.expectedWords.length > 0 }).toEqual({ path: e.path, words: true });
      for (const w of e.expectedWords) expect(w.length).toBeGreaterThanOrEqual(3);
      for (const p of e.ocrPages) {
        expect(p.page).toBeGreaterThanOrEqual(1);
        expect(p.page).toBeLessThanOrEqual(e.pages);
        expect(p.text.length).toBeGreaterThan(50);
        expect(e.textLayerPages).not.toContain(p.page);
      }
    }
  });

  it('has the words of scanned files in their ground truth', () => {
    for (const e of committed.entries.filter((x) => x.ocrPages.length > 0 && x.textLayerPages.length === 0)) {
      const truth = e.ocrPages.map((p) => p.text).join('\n');
      for (const w of e.expectedWords) expect({ path: e.path, w, found: containsWord(truth, w) }).toEqual({ path: e.path, w, found: true });
    }
  });

  it('covers the kinds a newcomer should see, and stays small', () => {
    const kinds = new Set(committed.entries.map((e) => e.kind));
    for (const k of ['scanned-pdf', 'scan-image', 'born-digital-pdf', 'hybrid-pdf', 'photo', 'docx', 'xlsx', 'pptx', 'text', 'csv', 'docuworks', 'bad']) expect(kinds).toContain(k);
    expect(committed.entries.some((e) => e.similarTo)).toBe(true);
    const bytes = committed.entries.reduce((s, e) => s + e.size, 0);
    expect(bytes).toBeLessThan(3 * 1024 * 1024);
  });

  it('is what the generators make today, byte for byte (run `pnpm samples:build` after changing them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cis-samples-'));
    try {
      const rebuilt = await buildSet(dir, 'samples', sampleSpecs());
      expect(rebuilt.entries.map((e) => [e.path, e.sha256])).toEqual(committed.entries.map((e) => [e.path, e.sha256]));
      expect(rebuilt.entries).toEqual(committed.entries);
      expect(rebuilt.generatorVersion).toBe(committed.generatorVersion);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
