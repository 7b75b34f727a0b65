import type { EnvironmentConfig } from '../config/schema';
import type { AwsClients } from './clients';

/**
 * pass: ready. warn: works, but look. fail: the deploy (or the fleet after it) would fail.
 * unknown: the check could not get an answer (permission, an unexpected reply). skip: does not apply.
 */
export type CheckState = 'pass' | 'warn' | 'fail' | 'unknown' | 'skip';

export interface CheckResult {
  /** Stable id for --json consumers: `bootstrap`, `ec2-spot-vcpus`, … */
  id: string;
  /** What was checked, as the table's first column shows it. */
  check: string;
  state: CheckState;
  /** What was found. */
  detail: string;
  /** What to do about it (the exact command where there is one). */
  action?: string;
}

/** What every check reads: the environment's settings, clients for its account, and who the credentials are. */
export interface PreflightContext {
  config: EnvironmentConfig;
  clients: AwsClients;
  /** The account the credentials belong to (STS), when it could be read. */
  account?: string;
  /** From the credentials' ARN (aws, aws-cn, aws-us-gov). */
  partition: string;
}
