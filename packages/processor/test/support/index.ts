/**
 * Test support other packages use (`@cis/processor/test/support`): the worker harness on the
 * testbed and the S3/SQS loading helpers. Never part of the shipped code.
 */
export * from './s3-load';
export * from './worker-harness';
