/** The worker bundle as a library (`@cis/processor/bundle`): infra builds and checks it during synth. */
export { buildWorkerBundle, type BundleOptions, type BundleReport } from './build';
export { DEFAULT_OUT_DIR, PROCESSOR_DIR } from './paths';
export { verifyWorkerBundle, type VerifyOptions } from './verify';
