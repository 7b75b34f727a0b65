import type { EnvironmentConfig } from '../config/schema';
import { callerIdentity, checkAccount } from './account';
import { checkAlarmSubscription } from './alarm-subscription';
import { checkBedrockInvoke, checkBedrockModel } from './bedrock';
import { checkBootstrap, type BootstrapRequirement } from './bootstrap';
import type { AwsClients } from './clients';
import { describeError, errorName } from './describe-error';
import { checkVcpuQuotas } from './quotas';
import { checkServiceLinkedRole } from './service-linked-role';
import { checkSourceBucket } from './source-bucket';
import type { CheckResult, CheckState, PreflightContext } from './types';

export interface PreflightOptions {
  clients: AwsClients;
  /** From the environment's synthesized template (bootstrapRequirement). */
  bootstrap: BootstrapRequirement;
  /** Also call InvokeModel once (costs one embedding). */
  invoke?: boolean;
}

export interface PreflightReport {
  environment: string;
  stack: string;
  account?: string;
  region: string;
  bedrockRegion: string;
  checks: CheckResult[];
}

/**
 * Read-only checks against the account the deploy would use, in table order. Checks run side
 * by side; one that throws what it did not expect (no permission, an unexpected reply) becomes
 * `unknown` with the reason, and the others still run.
 */
export async function runPreflight(config: EnvironmentConfig, options: PreflightOptions): Promise<PreflightReport> {
  const ctx: PreflightContext = { config, clients: options.clients, partition: 'aws' };
  let account: CheckResult;
  try {
    const identity = await callerIdentity(ctx);
    ctx.account = identity.account;
    ctx.partition = identity.partition;
    account = checkAccount(config, identity);
  } catch (err) {
    account = unknown({ id: 'account', check: 'AWS account' }, err);
  }
  const guarded = async (row: { id: string; check: string }, run: () => Promise<CheckResult | CheckResult[]>) => {
    try {
      return [await run()].flat();
    } catch (err) {
      return [unknown(row, err)];
    }
  };
  const rows = await Promise.all([
    guarded({ id: 'bootstrap', check: 'CDK bootstrap' }, () => checkBootstrap(ctx, options.bootstrap)),
    guarded({ id: 'opensearch-service-linked-role', check: 'OpenSearch service-linked role' }, () => checkServiceLinkedRole(ctx)),
    guarded({ id: 'bedrock-model', check: 'Bedrock model access' }, () => checkBedrockModel(ctx)),
    options.invoke ? guarded({ id: 'bedrock-invoke', check: 'Bedrock InvokeModel (1 px)' }, () => checkBedrockInvoke(ctx)) : Promise.resolve([]),
    guarded({ id: 'ec2-vcpu-quotas', check: 'EC2 vCPU quotas' }, () => checkVcpuQuotas(ctx)),
    guarded({ id: 'source-bucket', check: 'Source bucket' }, () => checkSourceBucket(ctx)),
    guarded({ id: 'alarm-subscription', check: 'Alarm e-mail subscription' }, () => checkAlarmSubscription(ctx)),
  ]);
  return {
    environment: config.name,
    stack: config.stackName,
    account: ctx.account,
    region: config.region,
    bedrockRegion: config.bedrock.region,
    checks: [account, ...rows.flat()],
  };
}

function unknown(row: { id: string; check: string }, err: unknown): CheckResult {
  const denied = /AccessDenied|UnauthorizedOperation|AuthorizationError|not authorized/i.test(`${errorName(err)} ${(err as Error)?.message ?? ''}`);
  return {
    ...row,
    state: 'unknown',
    detail: `could not verify: ${describeError(err)}`,
    action: denied
      ? 'give these credentials read access to it (infra/README.md, "Preflight", lists the calls), then run preflight again'
      : 'check by hand, or run preflight again; --allow-unknown accepts it',
  };
}

/** 1 when a check failed, or could not be verified (unless allowed); else 0. */
export function exitCode(report: PreflightReport, opts: { allowUnknown?: boolean } = {}): number {
  const states = new Set<CheckState>(report.checks.map((c) => c.state));
  return states.has('fail') || (states.has('unknown') && !opts.allowUnknown) ? 1 : 0;
}
