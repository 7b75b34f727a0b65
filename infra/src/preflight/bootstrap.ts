import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { errorName } from './describe-error';
import type { CheckResult, PreflightContext } from './types';

export interface BootstrapRequirement {
  /** SSM parameter holding the bootstrap stack's version (`/cdk-bootstrap/<qualifier>/version`). */
  parameterName: string;
  /** The lowest version the template's CheckBootstrapVersion rule accepts. */
  minVersion: number;
}

type Template = { Parameters?: Record<string, { Default?: unknown }>; Rules?: Record<string, { Assertions?: Array<{ Assert?: unknown }> }> };

/**
 * What a synthesized template demands of the bootstrap stack, read from the template itself: the
 * BootstrapVersion parameter's SSM name, and the CheckBootstrapVersion rule, which refuses the
 * versions it lists (`Fn::Not [Fn::Contains [["1", …, "5"], Ref BootstrapVersion]]`).
 */
export function bootstrapRequirement(template: Template): BootstrapRequirement {
  const parameterName = template.Parameters?.BootstrapVersion?.Default;
  const assertion = template.Rules?.CheckBootstrapVersion?.Assertions?.[0]?.Assert as { 'Fn::Not'?: Array<{ 'Fn::Contains'?: [unknown, unknown] }> } | undefined;
  const refused = assertion?.['Fn::Not']?.[0]?.['Fn::Contains']?.[0];
  if (typeof parameterName !== 'string' || !Array.isArray(refused) || refused.length === 0) {
    throw new Error('the template has no BootstrapVersion parameter or CheckBootstrapVersion rule (not a DefaultStackSynthesizer template?)');
  }
  return { parameterName, minVersion: Math.max(...refused.map(Number)) + 1 };
}

const BOOTSTRAP_STACK = 'CDKToolkit';
const UNUSABLE = /^(ROLLBACK_COMPLETE|ROLLBACK_FAILED|CREATE_FAILED|DELETE_.*|UPDATE_ROLLBACK_FAILED)$/;

/**
 * The CDK bootstrap stack of the stack's account and region: its version parameter (what the
 * deploy's own rule reads) at least the template's minimum, and the CDKToolkit stack usable.
 */
export async function checkBootstrap(ctx: PreflightContext, need: BootstrapRequirement): Promise<CheckResult> {
  const { config } = ctx;
  const base = { id: 'bootstrap', check: 'CDK bootstrap' };
  const where = `aws://${ctx.account ?? '<account>'}/${config.region}`;
  const bootstrap = `pnpm infra:bootstrap -c env=${config.name}`;
  let version: number;
  try {
    const out = await ctx.clients.ssm(config.region).send(new GetParameterCommand({ Name: need.parameterName }));
    version = Number(out.Parameter?.Value);
  } catch (err) {
    if (errorName(err) !== 'ParameterNotFound') throw err;
    return { ...base, state: 'fail', detail: `${where} is not bootstrapped (no ${need.parameterName})`, action: bootstrap };
  }
  if (!Number.isFinite(version) || version < need.minVersion) {
    return {
      ...base,
      state: 'fail',
      detail: `${where} has bootstrap version ${Number.isFinite(version) ? version : '(unreadable)'}; the template needs ${need.minVersion} or later`,
      action: `${bootstrap} (updates the bootstrap stack)`,
    };
  }
  let status: string | undefined;
  try {
    status = (await ctx.clients.cloudFormation(config.region).send(new DescribeStacksCommand({ StackName: BOOTSTRAP_STACK }))).Stacks?.[0]?.StackStatus;
  } catch (err) {
    if (errorName(err) !== 'ValidationError') throw err;
  }
  const found = `version ${version} (the template needs ${need.minVersion} or later)`;
  if (status === undefined) {
    return { ...base, state: 'warn', detail: `${found}, but no ${BOOTSTRAP_STACK} stack in ${where}: bootstrapped under another stack name?`, action: `${bootstrap} if deploys cannot find the assets bucket` };
  }
  if (UNUSABLE.test(status)) {
    return { ...base, state: 'fail', detail: `${found}, but ${BOOTSTRAP_STACK} is ${status}`, action: `delete the ${BOOTSTRAP_STACK} stack in ${config.region} (keep its bucket if it holds assets), then ${bootstrap}` };
  }
  if (status.endsWith('_IN_PROGRESS')) {
    return { ...base, state: 'warn', detail: `${found}; ${BOOTSTRAP_STACK} is ${status}`, action: 'wait for it to finish, then run preflight again' };
  }
  return { ...base, state: 'pass', detail: `${found}, ${BOOTSTRAP_STACK} ${status}` };
}
