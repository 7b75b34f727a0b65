export * from './content';
export * from './manifest';
export { buildSet, writeManifest, type FileSpec } from './build';
export { benchSpecs, sampleSpecs, type BenchSize } from './sets';
export { containsWord, orderFreeCer, squash } from './text/match';
export { generatorVersion } from './version';
export { MissingSystemPackageError, requireDebianPackage } from './system';
export { repoRoot } from './paths';
export * from './hostile';
