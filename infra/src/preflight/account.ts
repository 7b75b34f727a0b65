import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { CheckResult, PreflightContext } from './types';

export interface CallerIdentity {
  account: string;
  arn: string;
  partition: string;
}

/** Who the credentials are (STS GetCallerIdentity needs no permission). */
export async function callerIdentity(ctx: Pick<PreflightContext, 'clients' | 'config'>): Promise<CallerIdentity> {
  const out = await ctx.clients.sts(ctx.config.region).send(new GetCallerIdentityCommand({}));
  const arn = out.Arn ?? '';
  return { account: out.Account ?? '', arn, partition: arn.split(':')[1] || 'aws' };
}

/** The deploy goes to the account the credentials belong to: it must be the one the environment names. */
export function checkAccount(config: PreflightContext['config'], identity: CallerIdentity): CheckResult {
  const base = { id: 'account', check: 'AWS account' };
  if (config.account && config.account !== identity.account) {
    return {
      ...base,
      state: 'fail',
      detail: `the credentials (${identity.arn}) are for account ${identity.account}; environment ${config.name} names ${config.account}`,
      action: `use credentials of account ${config.account} (AWS_PROFILE=…), or fix ${config.name}.account in infra/src/config/environments.ts`,
    };
  }
  return {
    ...base,
    state: 'pass',
    detail: `${identity.account} as ${identity.arn}${config.account ? '' : ` (${config.name} names no account: the stack goes wherever the credentials point)`}`,
  };
}
