import { containerExtractors } from './containers';
import type { Extractor } from '../../core/types';
import { imageExtractor } from './image';
import { officeExtractors } from './office';
import { pdfExtractor } from './pdf';
import { textExtractors } from './text';

/**
 * Every extractor the product ships: the main process picks one by mime type (registry.ts), the
 * extraction sandbox's processes run it by name (sandbox/child-main.ts).
 */
export const allExtractors: readonly Extractor[] = [pdfExtractor, imageExtractor, ...officeExtractors, ...textExtractors, ...containerExtractors];
