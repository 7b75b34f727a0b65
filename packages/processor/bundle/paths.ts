import { join, resolve } from 'node:path';

/** packages/processor: esbuild's working directory, where the entries and the packages to copy are found. */
export const PROCESSOR_DIR = resolve(__dirname, '..');
export const DEFAULT_OUT_DIR = join(PROCESSOR_DIR, 'dist', 'worker-bundle');
/** The workspace root: the copy checks must run outside it, and take samples from it. */
export const WORKSPACE_DIR = resolve(PROCESSOR_DIR, '..', '..');
