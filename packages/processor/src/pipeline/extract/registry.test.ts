import type { Extractor } from '../../core/types';
import { ExtractorRegistry } from './registry';

const fake = (name: string, mimeTypes: string[], weight?: number): Extractor => ({
  name,
  mimeTypes,
  weight,
  extract: async () => ({ text: name, pages: 1, ocrPages: [] }),
});

describe('ExtractorRegistry', () => {
  it('picks the highest weight among extractors claiming a mime type', () => {
    const reg = new ExtractorRegistry([fake('low', ['text/plain']), fake('high', ['text/plain', 'text/csv'], 10)]);
    expect(reg.pick({ mime: 'text/plain', kind: 'text' })?.name).toBe('high');
    expect(reg.pick({ mime: 'text/csv', kind: 'text' })?.name).toBe('high');
  });

  it('returns undefined for types nobody reads', () => {
    const reg = new ExtractorRegistry([fake('a', ['text/plain'])]);
    expect(reg.pick({ mime: 'application/vnd.fujixerox.docuworks', kind: 'other' })).toBeUndefined();
  });
});
