/** `pnpm infra:preflight`: read-only checks of the account a deploy would use (infra/README.md, "Preflight"). */
export { AwsClients, type AwsClientOptions } from './clients';
export { bootstrapRequirement, type BootstrapRequirement } from './bootstrap';
export { exitCode, runPreflight, type PreflightOptions, type PreflightReport } from './run';
export { renderJson, renderTable } from './report';
export { fleetVcpuNeeds, vcpuNeed, EC2_VCPU_QUOTAS } from './quotas';
export { subscriptionState } from './alarm-subscription';
export { OPENSEARCH_SERVICE_LINKED_ROLES, CREATE_SERVICE_LINKED_ROLE } from './service-linked-role';
export type { CheckResult, CheckState } from './types';
