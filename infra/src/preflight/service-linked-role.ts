import { GetRoleCommand } from '@aws-sdk/client-iam';
import { errorName } from './describe-error';
import type { CheckResult, PreflightContext } from './types';

/**
 * An OpenSearch domain inside a VPC needs the account's service-linked role. Accounts that had an
 * Elasticsearch domain before the rename keep the legacy role, which the service goes on using
 * (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/slr-aos.html).
 */
export const OPENSEARCH_SERVICE_LINKED_ROLES = ['AWSServiceRoleForAmazonOpenSearchService', 'AWSServiceRoleForAmazonElasticsearchService'] as const;

export const CREATE_SERVICE_LINKED_ROLE = 'aws iam create-service-linked-role --aws-service-name opensearchservice.amazonaws.com';

export async function checkServiceLinkedRole(ctx: PreflightContext): Promise<CheckResult> {
  const base = { id: 'opensearch-service-linked-role', check: 'OpenSearch service-linked role' };
  const { opensearch, name } = ctx.config;
  if (opensearch.mode !== 'create') return { ...base, state: 'skip', detail: 'the environment uses an existing domain' };
  let existing: string | undefined;
  for (const role of OPENSEARCH_SERVICE_LINKED_ROLES) {
    try {
      await ctx.clients.iam(ctx.config.region).send(new GetRoleCommand({ RoleName: role }));
      existing = role;
      break;
    } catch (err) {
      if (errorName(err) !== 'NoSuchEntityException') throw err;
    }
  }
  const setting = `${name}.opensearch.createServiceLinkedRole`;
  if (existing && opensearch.createServiceLinkedRole) {
    return {
      ...base,
      state: 'fail',
      detail: `${existing} exists, and ${setting} is true: CloudFormation fails creating a role that exists`,
      action: `set ${setting} to false (infra/src/config/environments.ts)`,
    };
  }
  if (existing) return { ...base, state: 'pass', detail: `${existing} exists` };
  if (opensearch.createServiceLinkedRole) return { ...base, state: 'pass', detail: `none yet; the stack creates it (${setting})` };
  return {
    ...base,
    state: 'fail',
    detail: 'the account has none: creating the VPC domain would fail ("you must enable a service-linked role")',
    action: `${CREATE_SERVICE_LINKED_ROLE} (once per account), or set ${setting}: true`,
  };
}
