import { ConfigError } from '../core/errors';
import { extractionSettings } from './extraction';

describe('extractionSettings', () => {
  it('has defaults', () => {
    const s = extractionSettings({});
    expect(s.ocr.langs).toEqual(['jpn', 'eng']);
    expect(s.ocr.threads).toBeGreaterThanOrEqual(1);
    expect(s.limits.maxFileBytes).toBe(1024 * 1024 * 1024);
  });

  it('reads the environment', () => {
    const s = extractionSettings({ CIS_OCR_THREADS: '3', CIS_OCR_LANGS: 'eng', CIS_MAX_FILE_MB: '5', CIS_OCR_TIMEOUT_S: '' });
    expect(s.ocr.threads).toBe(3);
    expect(s.ocr.langs).toEqual(['eng']);
    expect(s.limits.maxFileBytes).toBe(5 * 1024 * 1024);
    expect(s.ocr.taskTimeoutMs).toBe(120_000);
  });

  it('has per-file budgets for the extraction sandbox that fit a c5.xlarge, and reads them', () => {
    expect(extractionSettings({}).sandbox).toEqual({
      memoryBytes: 1280 * 1024 * 1024,
      totalMemoryBytes: 3584 * 1024 * 1024,
      timeoutMs: 60_000,
      perPageMs: 2000,
      maxTimeoutMs: 1_200_000,
    });
    const s = extractionSettings({ CIS_EXTRACT_MEMORY_MB: '512', CIS_EXTRACT_TOTAL_MEMORY_MB: '1024', CIS_EXTRACT_TIMEOUT_S: '5' });
    expect(s.sandbox).toMatchObject({ memoryBytes: 512 * 1024 * 1024, totalMemoryBytes: 1024 * 1024 * 1024, timeoutMs: 5000 });
  });

  it('keeps GPS out and opens containers two levels deep by default; reads the limits', () => {
    expect(extractionSettings({}).limits).toMatchObject({
      exifGps: false,
      container: { maxDepth: 2, maxMembers: 10_000, maxBytes: 2048 * 1024 * 1024, maxRatio: 100 },
    });
    const s = extractionSettings({ CIS_EXIF_GPS: 'true', CIS_CONTAINER_MAX_DEPTH: '1', CIS_CONTAINER_MAX_MEMBERS: '5', CIS_CONTAINER_MAX_MB: '1', CIS_CONTAINER_MAX_RATIO: '20' });
    expect(s.limits).toMatchObject({ exifGps: true, container: { maxDepth: 1, maxMembers: 5, maxBytes: 1024 * 1024, maxRatio: 20 } });
  });

  it.each([
    [{ CIS_EXIF_GPS: 'maybe' }, /CIS_EXIF_GPS: expected true or false/],
    [{ CIS_CONTAINER_MAX_DEPTH: '-1' }, /CIS_CONTAINER_MAX_DEPTH/],
    [{ CIS_CONTAINER_MAX_MEMBERS: '0' }, /CIS_CONTAINER_MAX_MEMBERS/],
    [{ CIS_CONTAINER_MAX_MB: 'lots' }, /CIS_CONTAINER_MAX_MB/],
    [{ CIS_CONTAINER_MAX_RATIO: '2' }, /CIS_CONTAINER_MAX_RATIO/],
    [{ CIS_EXTRACT_MEMORY_MB: '100' }, /CIS_EXTRACT_MEMORY_MB/],
    [{ CIS_EXTRACT_TIMEOUT_S: '0' }, /CIS_EXTRACT_TIMEOUT_S/],
    [{ CIS_EXTRACT_MEMORY_MB: '2048', CIS_EXTRACT_TOTAL_MEMORY_MB: '1024' }, /CIS_EXTRACT_TOTAL_MEMORY_MB: 1024 is below CIS_EXTRACT_MEMORY_MB/],
    [{ CIS_OCR_THREADS: 'two' }, /CIS_OCR_THREADS/],
    [{ CIS_OCR_THREADS: '0' }, /CIS_OCR_THREADS/],
    [{ CIS_OCR_LANGS: 'jpn,fra' }, /CIS_OCR_LANGS: expected a comma-separated list/],
    [{ CIS_MAX_PIXELS: '-5' }, /CIS_MAX_PIXELS/],
  ])('rejects %j naming the setting', (env, message) => {
    expect(() => extractionSettings(env)).toThrow(ConfigError);
    expect(() => extractionSettings(env)).toThrow(message);
  });
});
