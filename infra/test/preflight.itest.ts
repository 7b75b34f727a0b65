import { CreateStackCommand, CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { BedrockControl, MOTO_ACCOUNT_ID, startControlPlane, type ControlPlane } from '@cis/testbed';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ENVIRONMENTS } from '../src/config/environments';
import { loadEnvironment, parseEnvironment } from '../src/config/load';
import type { EnvironmentConfig } from '../src/config/schema';
import { AwsClients, bootstrapRequirement, runPreflight, type BootstrapRequirement, type CheckResult } from '../src/preflight';
import { REPO_ROOT, Synthesizer } from '../src/synth';

// Each check is a few calls to moto; on a loaded 2-core machine one can take longer than jest's 5 s default.
jest.setTimeout(30_000);

/**
 * Every preflight check against emulators over real sockets: stock moto for STS, SSM,
 * CloudFormation, IAM, S3 and SNS; the testbed's stand-ins for Service Quotas and Bedrock. Each
 * case seeds the state it reads through the services' own APIs, on a freshly reset emulator.
 */
let plane: ControlPlane;
let clients: AwsClients;
let bootstrap: BootstrapRequirement;
let seed: { ssm: SSMClient; cfn: CloudFormationClient; iam: IAMClient; sns: SNSClient };
const dev = loadEnvironment('dev');
const synth = new Synthesizer();

beforeAll(async () => {
  plane = await startControlPlane();
  const { moto, serviceQuotas, bedrock } = plane;
  const c = moto.clientConfig;
  clients = new AwsClients({
    credentials: c.credentials,
    endpoints: {
      sts: moto.endpoint,
      ssm: moto.endpoint,
      cloudformation: moto.endpoint,
      iam: moto.endpoint,
      s3: moto.endpoint,
      sns: moto.endpoint,
      serviceQuotas: serviceQuotas.url,
      bedrock: bedrock.url,
      bedrockRuntime: bedrock.url,
    },
  });
  seed = { ssm: new SSMClient(c), cfn: new CloudFormationClient(c), iam: new IAMClient(c), sns: new SNSClient(c) };
  bootstrap = bootstrapRequirement(synth.synth('dev').template as never);
}, 60_000);
afterAll(async () => {
  clients?.destroy();
  for (const client of Object.values(seed ?? {})) client.destroy();
  synth.dispose();
  await plane?.stop();
});
beforeEach(async () => {
  await plane.moto.reset();
  plane.serviceQuotas.reset();
  await new BedrockControl(plane.bedrock.controlUrl).reset();
});

async function rows(config: EnvironmentConfig = dev, invoke = false): Promise<Map<string, CheckResult>> {
  const report = await runPreflight(config, { clients, bootstrap, invoke });
  return new Map(report.checks.map((c) => [c.id, c]));
}
const row = async (id: string, config?: EnvironmentConfig, invoke?: boolean) => (await rows(config, invoke)).get(id)!;
const variant = (over: object) => parseEnvironment('dev', { ...ENVIRONMENTS.dev, ...over });

const seedBootstrap = async (version: string) => {
  await seed.ssm.send(new PutParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version', Value: version, Type: 'String' }));
  await seed.cfn.send(new CreateStackCommand({ StackName: 'CDKToolkit', TemplateBody: JSON.stringify({ Resources: {}, Outputs: { BootstrapVersion: { Value: version } } }) }));
};
const seedRole = (name: string) =>
  seed.iam.send(
    new CreateRoleCommand({
      RoleName: name,
      Path: '/aws-service-role/opensearchservice.amazonaws.com/',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'opensearchservice.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    }),
  );
const seedQuotas = (onDemand: number, spot: number, isDefault = false) => {
  plane.serviceQuotas.set({ serviceCode: 'ec2', quotaCode: 'L-1216C47A', value: onDemand, isDefault });
  plane.serviceQuotas.set({ serviceCode: 'ec2', quotaCode: 'L-34B43A08', value: spot, isDefault });
};
const seedBucket = async (region = 'ap-northeast-1') => {
  const s3 = new S3Client({ ...plane.moto.clientConfig, region });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: dev.sourceBucket.name, CreateBucketConfiguration: { LocationConstraint: region as never } }));
    await s3.send(new PutObjectCommand({ Bucket: dev.sourceBucket.name, Key: 'scans/見積書.pdf', Body: 'x' }));
  } finally {
    s3.destroy();
  }
};
const seedTopic = async (subscribe?: string) => {
  const { TopicArn } = await seed.sns.send(new CreateTopicCommand({ Name: 'cis-dev-alarms' }));
  if (subscribe) await seed.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: subscribe }));
};

describe('preflight against moto and the stand-ins', () => {
  it('account: passes for the credentials\' account, fails when the environment names another', async () => {
    expect(await row('account')).toMatchObject({ state: 'pass', detail: expect.stringContaining(MOTO_ACCOUNT_ID) });
    expect(await row('account', variant({ account: '111122223333' }))).toMatchObject({
      state: 'fail',
      detail: expect.stringContaining(`are for account ${MOTO_ACCOUNT_ID}; environment dev names 111122223333`),
    });
  });

  it('CDK bootstrap: fails when missing or older than the template needs, passes at the current version', async () => {
    expect(await row('bootstrap')).toMatchObject({ state: 'fail', detail: expect.stringContaining('is not bootstrapped'), action: 'pnpm infra:bootstrap -c env=dev' });
    await seedBootstrap('5');
    expect(await row('bootstrap')).toMatchObject({ state: 'fail', detail: expect.stringContaining('has bootstrap version 5; the template needs 6 or later') });
    await plane.moto.reset();
    await seedBootstrap('33');
    expect(await row('bootstrap')).toMatchObject({ state: 'pass', detail: 'version 33 (the template needs 6 or later), CDKToolkit CREATE_COMPLETE' });
  });

  it('OpenSearch service-linked role: fails without one (naming the command), passes with the role or its legacy name', async () => {
    expect(await row('opensearch-service-linked-role')).toMatchObject({
      state: 'fail',
      action: 'aws iam create-service-linked-role --aws-service-name opensearchservice.amazonaws.com (once per account), or set dev.opensearch.createServiceLinkedRole: true',
    });
    await seedRole('AWSServiceRoleForAmazonElasticsearchService');
    expect(await row('opensearch-service-linked-role')).toMatchObject({ state: 'pass', detail: 'AWSServiceRoleForAmazonElasticsearchService exists' });
    await seedRole('AWSServiceRoleForAmazonOpenSearchService');
    expect(await row('opensearch-service-linked-role')).toMatchObject({ state: 'pass', detail: 'AWSServiceRoleForAmazonOpenSearchService exists' });
  });

  it('OpenSearch service-linked role: when the stack is to create it, fails if it exists and passes if not; skipped for an existing domain', async () => {
    const creating = variant({ opensearch: { ...ENVIRONMENTS.dev.opensearch, createServiceLinkedRole: true } });
    expect(await row('opensearch-service-linked-role', creating)).toMatchObject({ state: 'pass', detail: expect.stringContaining('the stack creates it') });
    await seedRole('AWSServiceRoleForAmazonOpenSearchService');
    expect(await row('opensearch-service-linked-role', creating)).toMatchObject({ state: 'fail', action: 'set dev.opensearch.createServiceLinkedRole to false (infra/src/config/environments.ts)' });
    expect(await row('opensearch-service-linked-role', loadEnvironment('staging'))).toMatchObject({ state: 'skip' });
  });

  it('Bedrock: passes where the model is offered and access granted; fails where it is not offered, and without access', async () => {
    const control = new BedrockControl(plane.bedrock.controlUrl);
    expect(await row('bedrock-model')).toMatchObject({ state: 'pass', detail: 'amazon.titan-embed-image-v1 in us-east-1 (the stack runs in ap-northeast-1): offered, access granted' });
    await control.catalogue({ regions: ['us-west-2'] });
    expect(await row('bedrock-model')).toMatchObject({ state: 'fail', detail: 'amazon.titan-embed-image-v1 is not offered in us-east-1', action: expect.stringContaining('set dev.bedrock.region') });
    await control.catalogue({ regions: null, authorized: false });
    expect(await row('bedrock-model')).toMatchObject({ state: 'fail', detail: expect.stringContaining('model access not granted (NOT_AUTHORIZED)') });
  });

  it('Bedrock --invoke: embeds a one-pixel image, fails with AccessDeniedException without model access', async () => {
    expect((await rows()).has('bedrock-invoke')).toBe(false);
    expect(await row('bedrock-invoke', dev, true)).toMatchObject({ state: 'pass', detail: 'us-east-1 embedded a one-pixel image' });
    await new BedrockControl(plane.bedrock.controlUrl).catalogue({ authorized: false });
    expect(await row('bedrock-invoke', dev, true)).toMatchObject({ state: 'fail', detail: expect.stringMatching(/^AccessDeniedException: /) });
  });

  it('EC2 vCPU quotas: pass when both cover the initial-load maximum, fail naming the increase to request', async () => {
    seedQuotas(640, 640);
    const ok = await rows();
    expect(ok.get('ec2-on-demand-vcpus')).toMatchObject({ state: 'pass', detail: expect.stringMatching(/^640 vCPUs \(L-1216C47A, applied\); the fleet needs 8 at its maximum of 4 and 12 at the initial-load maximum of 8/) });
    expect(ok.get('ec2-spot-vcpus')).toMatchObject({ state: 'pass', detail: expect.stringMatching(/^640 vCPUs \(L-34B43A08, applied\); the fleet needs 12 .* and 24 /) });
    // A new account's 5 vCPUs: not even the steady-state maximum fits.
    seedQuotas(5, 16);
    const low = await rows();
    expect(low.get('ec2-on-demand-vcpus')).toMatchObject({
      state: 'fail',
      detail: expect.stringContaining('the group would stay below its maximum without an error'),
      action: 'aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A --desired-value 12 --region ap-northeast-1',
    });
    expect(low.get('ec2-spot-vcpus')).toMatchObject({ state: 'fail', detail: expect.stringContaining('would stay below its initial-load maximum') });
  });

  it('EC2 vCPU quotas: fall back to the AWS default when the account never changed the quota', async () => {
    plane.serviceQuotas.reset();
    seedQuotas(32, 32, true);
    expect(await row('ec2-spot-vcpus')).toMatchObject({ state: 'pass', detail: expect.stringMatching(/^32 vCPUs \(L-34B43A08, AWS default\)/) });
  });

  it('source bucket: fails when missing, passes when readable in the stack\'s region, warns across regions', async () => {
    expect(await row('source-bucket')).toMatchObject({ state: 'fail', detail: 'no bucket cis-source-dev', action: 'create it in ap-northeast-1, or fix dev.sourceBucket.name' });
    await seedBucket();
    expect(await row('source-bucket')).toMatchObject({ state: 'pass', detail: 'cis-source-dev: readable, holds objects' });
    await plane.moto.reset();
    await seedBucket('us-west-2');
    expect(await row('source-bucket')).toMatchObject({ state: 'warn', detail: expect.stringContaining('is in us-west-2, the stack in ap-northeast-1') });
  });

  it('alarm subscription: warns before the topic exists, fails without the address, passes once confirmed', async () => {
    expect(await row('alarm-subscription')).toMatchObject({ state: 'warn', detail: expect.stringContaining('no topic cis-dev-alarms yet') });
    await seedTopic('someone-else@example.com');
    expect(await row('alarm-subscription')).toMatchObject({ state: 'fail', detail: 'cis-dev-alarms has no e-mail subscription for cis-dev-alerts@example.com' });
    // moto confirms e-mail subscriptions at once (the pending case is covered by subscriptionState's unit test).
    await seedTopic('cis-dev-alerts@example.com');
    expect(await row('alarm-subscription')).toMatchObject({ state: 'pass', detail: 'cis-dev-alerts@example.com confirmed on cis-dev-alarms' });
  });

  it('an API that answers with something other than AWS makes its check unknown, not a crash; the others still run', async () => {
    // moto implements Service Quotas for "vpc" only: ec2 → NoSuchResourceException, the default-quota call → HTTP 500 with an HTML page.
    const motoQuotas = new AwsClients({ credentials: plane.moto.clientConfig.credentials, endpoints: { sts: plane.moto.endpoint, serviceQuotas: plane.moto.endpoint, ssm: plane.moto.endpoint } });
    try {
      const report = await runPreflight(dev, { clients: motoQuotas, bootstrap });
      const quotas = report.checks.find((c) => c.id === 'ec2-vcpu-quotas');
      expect(quotas).toMatchObject({ state: 'unknown', detail: expect.stringMatching(/^could not verify: the service answered something that is not an AWS response \(HTTP 500\)/) });
      expect(report.checks.find((c) => c.id === 'account')).toMatchObject({ state: 'pass' });
    } finally {
      motoQuotas.destroy();
    }
  });
});

describe('pnpm infra:preflight (the command)', () => {
  // Only the control plane's endpoints: the integration run's own (the testbed's S3, SQS) would win over AWS_ENDPOINT_URL.
  const inherited = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_ENDPOINT_URL')));
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'infra', 'scripts', 'preflight.ts'), ...args], {
      cwd: REPO_ROOT,
      env: { ...inherited(), ...plane.variables },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('prints the table and exits 1 for a fresh account; exits 0 with --json once everything is in place', async () => {
    // A new account: nothing bootstrapped or created, EC2's default vCPU quotas.
    seedQuotas(5, 5, true);
    const fresh = await run(['-c', 'env=dev']);
    expect(fresh.code).toBe(1);
    expect(fresh.stdout).toMatch(/^Preflight of CisIngest-dev in aws:\/\/123456789012\/ap-northeast-1 \(Bedrock in us-east-1\)\n\ncheck +state +what to do\n/);
    for (const check of ['AWS account', 'CDK bootstrap', 'OpenSearch service-linked role', 'Bedrock model access', 'EC2 On-Demand vCPU quota', 'EC2 Spot vCPU quota', 'Source bucket', 'Alarm e-mail subscription']) {
      expect(fresh.stdout).toContain(`\n${check}`);
    }
    expect(fresh.stdout).toMatch(/\nCDK bootstrap +FAIL +aws:\/\/123456789012\/ap-northeast-1 is not bootstrapped/);

    await seedBootstrap('33');
    await seedRole('AWSServiceRoleForAmazonOpenSearchService');
    seedQuotas(640, 640);
    await seedBucket();
    await seedTopic('cis-dev-alerts@example.com');
    const ready = await run(['-c', 'env=dev', '--json', '--invoke']);
    expect(ready.stderr).toBe("");
    expect(ready.code).toBe(0);
    const report = JSON.parse(ready.stdout) as { ok: boolean; summary: Record<string, number>; checks: Array<{ id: string; state: string }> };
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.id, c.state])).toEqual([
      ['account', 'pass'],
      ['bootstrap', 'pass'],
      ['opensearch-service-linked-role', 'pass'],
      ['bedrock-model', 'pass'],
      ['bedrock-invoke', 'pass'],
      ['ec2-on-demand-vcpus', 'pass'],
      ['ec2-spot-vcpus', 'pass'],
      ['source-bucket', 'pass'],
      ['alarm-subscription', 'pass'],
    ]);
  }, 90_000);

  it('exits 2 naming the setting when the environment is missing or unknown', async () => {
    expect(await run([])).toMatchObject({ code: 2, stderr: 'infra:preflight: missing setting env: pick an environment with -c env=<dev|staging|production>\n' });
    expect(await run(['-c', 'env=prod'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown environment "prod"') });
  }, 30_000);
});
