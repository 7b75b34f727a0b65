import type { DetectedType, Extractor, ExtractorPicker } from '../../core/types';

/**
 * Extractors declare the mime types they read and a weight; the pipeline asks the
 * registry for the best one and never learns about formats itself. Adding a file
 * type is one extractor plus its declaration.
 */
export class ExtractorRegistry implements ExtractorPicker {
  private readonly byMime = new Map<string, Extractor[]>();

  constructor(extractors: Iterable<Extractor> = []) {
    for (const e of extractors) this.register(e);
  }

  register(extractor: Extractor): this {
    for (const mime of extractor.mimeTypes) {
      const list = this.byMime.get(mime) ?? [];
      list.push(extractor);
      list.sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0));
      this.byMime.set(mime, list);
    }
    return this;
  }

  /** The highest-weight extractor for the type, or undefined when only metadata can be stored. */
  pick(type: DetectedType): Extractor | undefined {
    return this.byMime.get(type.mime)?.[0];
  }

  get mimeTypes(): string[] {
    return [...this.byMime.keys()];
  }
}
