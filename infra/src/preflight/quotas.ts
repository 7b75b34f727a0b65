import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { INSTANCE_TYPES } from '@cis/processor';
import type { EnvironmentConfig } from '../config/schema';
import { errorName } from './describe-error';
import type { CheckResult, PreflightContext } from './types';

/**
 * EC2's vCPU quotas for the standard families (A, C, D, H, I, M, R, T, Z) the fleet's c5/c5a/c6i
 * types belong to: running On-Demand instances, and Spot Instance requests. Each counts vCPUs of
 * every such instance of the account in the region, not only this fleet's.
 */
export const EC2_VCPU_QUOTAS = {
  onDemand: { code: 'L-1216C47A', name: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances' },
  spot: { code: 'L-34B43A08', name: 'All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests' },
} as const;

export interface VcpuNeed {
  instances: number;
  onDemand: number;
  spot: number;
}

/**
 * vCPUs the group may run at `instances`: the on-demand base, then the configured percentage of
 * the rest on demand and the remainder on spot. Each side is rounded against its own quota (the
 * group may round either way), every instance counted at the largest of the fleet's types.
 */
export function vcpuNeed(fleet: EnvironmentConfig['fleet'], instances: number): VcpuNeed {
  const vcpus = Math.max(...fleet.instanceTypes.map((t) => vcpusOf(t)));
  const base = Math.min(instances, fleet.onDemandBaseCapacity);
  const above = instances - base;
  const share = (above * fleet.onDemandPercentageAboveBaseCapacity) / 100;
  return { instances, onDemand: (base + Math.ceil(share)) * vcpus, spot: (above - Math.floor(share)) * vcpus };
}

function vcpusOf(type: string): number {
  const known = INSTANCE_TYPES[type];
  if (!known) throw new Error(`no vCPU count for ${type} (known: ${Object.keys(INSTANCE_TYPES).join(', ')}; packages/processor/src/programs/capacity/fleet.ts)`);
  return known.vcpus;
}

/** Steady state (maxCapacity) and initial load (initialLoadMaxCapacity). */
export function fleetVcpuNeeds(config: EnvironmentConfig): { steady: VcpuNeed; initialLoad: VcpuNeed } {
  return { steady: vcpuNeed(config.fleet, config.fleet.maxCapacity), initialLoad: vcpuNeed(config.fleet, config.fleet.initialLoadMaxCapacity) };
}

/** The applied quota, or AWS's default when the account never had it changed. */
async function quotaValue(ctx: PreflightContext, code: string): Promise<{ value: number; source: string }> {
  const sq = ctx.clients.serviceQuotas(ctx.config.region);
  try {
    const out = await sq.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: code }));
    return { value: out.Quota?.Value ?? 0, source: 'applied' };
  } catch (err) {
    if (errorName(err) !== 'NoSuchResourceException') throw err;
    const out = await sq.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: code }));
    return { value: out.Quota?.Value ?? 0, source: 'AWS default' };
  }
}

/** One row per quota: enough for the steady-state maximum and for the initial-load maximum? */
export async function checkVcpuQuotas(ctx: PreflightContext): Promise<CheckResult[]> {
  const { config } = ctx;
  const needs = fleetVcpuNeeds(config);
  const rows: CheckResult[] = [];
  for (const kind of ['onDemand', 'spot'] as const) {
    const quota = EC2_VCPU_QUOTAS[kind];
    const label = kind === 'onDemand' ? 'On-Demand' : 'Spot';
    const base = { id: kind === 'onDemand' ? 'ec2-on-demand-vcpus' : 'ec2-spot-vcpus', check: `EC2 ${label} vCPU quota` };
    const { value, source } = await quotaValue(ctx, quota.code);
    const steady = needs.steady[kind];
    const load = needs.initialLoad[kind];
    const detail =
      `${value} vCPUs (${quota.code}, ${source}); the fleet needs ${steady} at its maximum of ${needs.steady.instances} ` +
      `and ${load} at the initial-load maximum of ${needs.initialLoad.instances}`;
    if (value >= load) {
      rows.push({ ...base, state: 'pass', detail: `${detail}; other instances of the account in ${config.region} count too` });
      continue;
    }
    rows.push({
      ...base,
      state: 'fail',
      detail: `${detail}: the group would stay below ${value >= steady ? 'its initial-load maximum' : 'its maximum'} without an error`,
      action: `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code ${quota.code} --desired-value ${load} --region ${config.region}`,
    });
  }
  return rows;
}
