import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ENVIRONMENTS } from './environments';
import { ConfigError, ENVIRONMENT_NAMES, environmentVariant, loadEnvironment, parseEnvironment } from './load';

const production = ENVIRONMENTS.production;

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadEnvironment', () => {
  it('offers dev, staging and production, each with a stack name that carries it', () => {
    expect(ENVIRONMENT_NAMES).toEqual(['dev', 'staging', 'production']);
    for (const name of ENVIRONMENT_NAMES) {
      const c = loadEnvironment(name);
      expect(c.stackName).toBe(`CisIngest-${name}`);
      expect(c.prefix).toBe(`cis-${name}`);
    }
  });

  it('fills production with the fleet defaults', () => {
    const c = loadEnvironment('production');
    expect(c.fleet).toMatchObject({
      instanceTypes: ['c5.xlarge', 'c5a.xlarge', 'c6i.xlarge'],
      minCapacity: 2,
      maxCapacity: 50,
      initialLoadMaxCapacity: 150,
      onDemandBaseCapacity: 2,
      onDemandPercentageAboveBaseCapacity: 20,
      healthCheckGraceSeconds: 300,
      workerDrainSeconds: 110,
    });
    expect(c.queue).toEqual({ visibilityTimeoutSeconds: 900, maxReceiveCount: 3, retentionDays: 4, dlqRetentionDays: 14 });
    expect(c.scaling).toEqual({ backlogPerInstance: 100, cpuUtilizationPercent: 70, throughputPerInstance: 500, instanceWarmupSeconds: 60 });
    expect(c.alarms).toMatchObject({ queueDepth: 1000, minThroughputPerInstance: 200, cpuPercent: 85, memoryPercent: 80, dlqMessages: 10 });
    expect(c.initialLoad).toBe(false);
  });

  it('refuses -c initialLoad: the mode is the environment configuration, which the message says to edit', () => {
    for (const value of ['true', false, 'yes']) {
      const message = problem(() => loadEnvironment('production', { initialLoad: value }));
      expect(message).toMatch(/^invalid setting initialLoad: -c initialLoad is not read any more/);
      expect(message).toContain(`set initialLoad: ${JSON.stringify(value)} for "production" in infra/src/config/environments.ts`);
    }
    expect(environmentVariant('production', { initialLoad: true }).initialLoad).toBe(true);
  });

  it('names the setting when the environment is missing or unknown', () => {
    expect(problem(() => loadEnvironment(undefined))).toBe('missing setting env: pick an environment with -c env=<dev|staging|production>');
    expect(problem(() => loadEnvironment('prod'))).toBe('invalid setting env: unknown environment "prod"; expected one of dev, staging, production');
    expect(problem(() => loadEnvironment('__proto__'))).toContain('unknown environment "__proto__"');
  });
});

describe('parseEnvironment', () => {
  const withFleet = (fleet: object) => ({ ...production, fleet: { ...fleet } });

  it('names the setting of a wrong type, a wrong value or an unknown key', () => {
    expect(problem(() => parseEnvironment('production', withFleet({ maxCapacity: 'fifty' })))).toBe(
      'invalid infrastructure settings: production.fleet.maxCapacity: Invalid input: expected number, received string',
    );
    expect(problem(() => parseEnvironment('production', { ...production, alarms: { email: 'ops at example' } }))).toContain('production.alarms.email: expected an e-mail address');
    expect(problem(() => parseEnvironment('production', withFleet({ maxCapcity: 10 })))).toContain('production.fleet: Unrecognized key: "maxCapcity"');
    expect(problem(() => parseEnvironment('production', { ...production, region: 'tokyo' }))).toContain('production.region: expected an AWS region');
    expect(problem(() => parseEnvironment('production', { ...production, logRetentionDays: 31 }))).toContain('production.logRetentionDays: expected one of');
  });

  it('checks settings against each other', () => {
    expect(problem(() => parseEnvironment('x', withFleet({ minCapacity: 5, maxCapacity: 4 })))).toContain('x.fleet.minCapacity: must not exceed maxCapacity (4)');
    expect(problem(() => parseEnvironment('x', withFleet({ maxCapacity: 160 })))).toContain('x.fleet.initialLoadMaxCapacity: must be at least maxCapacity (160)');
    expect(problem(() => parseEnvironment('x', withFleet({ drainTimeoutSeconds: 120 })))).toContain('x.fleet.drainTimeoutSeconds: must be at least workerDrainSeconds + 30 (140)');
    expect(problem(() => parseEnvironment('x', { ...production, opensearch: { ...production.opensearch, dataNodes: 3 } }))).toContain(
      'x.opensearch.dataNodes: must be even with zoneAwareness',
    );
    expect(problem(() => parseEnvironment('x', { ...production, network: { ...production.network, natGateways: 4 } }))).toContain(
      'x.network.natGateways: must not exceed the number of availabilityZones (3)',
    );
  });

  it('refuses an existing OpenSearch endpoint that is not https, and a malformed domain ARN', () => {
    const staging = ENVIRONMENTS.staging;
    expect(problem(() => parseEnvironment('staging', { ...staging, opensearch: { ...staging.opensearch, endpoint: 'http://search.example' } }))).toContain(
      'staging.opensearch.endpoint: expected an https:// OpenSearch endpoint',
    );
    expect(problem(() => parseEnvironment('staging', { ...staging, opensearch: { ...staging.opensearch, domainArn: 'cis-staging' } }))).toContain('staging.opensearch.domainArn');
  });

  it('calls Bedrock in the stack\'s region when it offers the embedding model, else in us-east-1; refuses a region without it', () => {
    expect(loadEnvironment('production').bedrock).toEqual({ region: 'us-east-1' });
    expect(parseEnvironment('x', { ...production, region: 'eu-west-1', network: {} }).bedrock).toEqual({ region: 'eu-west-1' });
    expect(parseEnvironment('x', { ...production, bedrock: { region: 'ap-southeast-2' } }).bedrock).toEqual({ region: 'ap-southeast-2' });
    expect(problem(() => parseEnvironment('x', { ...production, bedrock: { region: 'ap-northeast-1' } }))).toContain(
      'x.bedrock.region: amazon.titan-embed-image-v1 is not offered there; expected one of us-east-1, us-west-2,',
    );
  });

  it('refuses an environment name that cannot be part of resource names', () => {
    expect(problem(() => parseEnvironment('Prod_1', production))).toContain('invalid setting env: "Prod_1"');
  });
});

describe('the CDK app entry', () => {
  it('fails synth with the message and exit code 2 for an unknown environment', async () => {
    const root = join(__dirname, '..', '..', '..');
    const outdir = mkdtempSync(join(tmpdir(), 'cis-infra-entry-'));
    try {
      // What `cdk synth -c env=prod` hands the app: the context as JSON, an output folder.
      const run = promisify(execFile)(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'bin', 'cis-infra.ts')], {
        cwd: root,
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ env: 'prod' }), CDK_OUTDIR: outdir },
      });
      await expect(run).rejects.toMatchObject({ code: 2, stderr: 'cis-infra: invalid setting env: unknown environment "prod"; expected one of dev, staging, production\n' });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 30_000);

  it('fails synth with exit code 2 for -c initialLoad=true, saying to edit the environment instead', async () => {
    const root = join(__dirname, '..', '..', '..');
    const outdir = mkdtempSync(join(tmpdir(), 'cis-infra-entry-'));
    try {
      const run = promisify(execFile)(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'bin', 'cis-infra.ts')], {
        cwd: root,
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ env: 'production', initialLoad: 'true' }), CDK_OUTDIR: outdir },
      });
      await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('set initialLoad: "true" for "production" in infra/src/config/environments.ts') });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 30_000);
});
