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

  it.each([
    [{ CIS_OCR_THREADS: 'two' }, /CIS_OCR_THREADS/],
    [{ CIS_OCR_THREADS: '0' }, /CIS_OCR_THREADS/],
    [{ CIS_OCR_LANGS: 'jpn,fra' }, /CIS_OCR_LANGS: expected a comma-separated list/],
    [{ CIS_MAX_PIXELS: '-5' }, /CIS_MAX_PIXELS/],
  ])('rejects %j naming the setting', (env, message) => {
    expect(() => extractionSettings(env)).toThrow(ConfigError);
    expect(() => extractionSettings(env)).toThrow(message);
  });
});
