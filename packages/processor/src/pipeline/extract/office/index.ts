import type { Extractor } from '../../../core/types';
import { docuworksExtractor } from './docuworks';
import { docxExtractor } from './docx';
import { legacyOfficeExtractor } from './legacy';
import { pptxExtractor } from './pptx';
import { xlsxExtractor } from './xlsx';

export { docuworksExtractor, docxExtractor, legacyOfficeExtractor, pptxExtractor, xlsxExtractor };

/** Every Office-family extractor, for the registry. */
export const officeExtractors: readonly Extractor[] = [
  docxExtractor,
  xlsxExtractor,
  pptxExtractor,
  legacyOfficeExtractor,
  docuworksExtractor,
];
