#!/usr/bin/env node
/**
 * CDK app entry (cdk.json runs it with tsx). Pick the environment with `-c env=<name>`:
 *   pnpm cdk deploy -c env=production
 *   pnpm cdk diff -c env=staging
 */
import { createIngestApp } from '../infra/src/app';
import { ConfigError } from '../infra/src/config/load';

try {
  createIngestApp();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`cis-infra: ${err.message}\n`);
  process.exit(2);
}
