import type { Extractor } from '../../../core/types';
import { emlExtractor, msgExtractor } from './mail';
import { zipContainerExtractor } from './zip';

/** Readers of containers: each member or attachment becomes its own document (see pipeline.ts). */
export const containerExtractors: readonly Extractor[] = [zipContainerExtractor, emlExtractor, msgExtractor];
