import { benchSpecs } from './sets';

describe('bench corpus composition', () => {
  it('full is about a hundred files of every family, quick a fraction of it', () => {
    const full = benchSpecs('full').map((s) => s.path);
    const quick = benchSpecs('quick').map((s) => s.path);
    expect(new Set(full).size).toBe(full.length);
    expect(full.length).toBeGreaterThanOrEqual(90);
    expect(full.length).toBeLessThanOrEqual(110);
    expect(quick.length).toBeLessThan(full.length / 2);
    for (const prefix of ['scans/ja/', 'scans/en/', 'documents/ja/', 'documents/en/', 'photos/edited/', 'office/', 'text/', 'docuworks/', 'bad/']) {
      expect(full.some((p) => p.startsWith(prefix))).toBe(true);
    }
    for (const ext of ['.pdf', '.png', '.jpg', '.tif', '.docx', '.xlsx', '.pptx', '.txt', '.csv', '.md', '.html', '.xdw']) {
      expect(full.some((p) => p.endsWith(ext))).toBe(true);
    }
  });
});
