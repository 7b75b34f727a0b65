import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startMoto, type MotoServer } from '@cis/testbed';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadEnvironment } from '../src/config/load';
import { AwsClients, bootstrapRequirement, runPreflight } from '../src/preflight';
import { REPO_ROOT, Synthesizer } from '../src/synth';

/**
 * `pnpm infra:bootstrap -c env=<name>`, as README's "Deploying" says, against moto: the real CDK
 * CLI bootstraps the environment's account and region without synthesizing the app, and the
 * preflight's bootstrap check then passes.
 */
let moto: MotoServer;
const cdkHome = mkdtempSync(join(tmpdir(), 'cis-cdk-home-'));
beforeAll(async () => {
  moto = await startMoto();
}, 60_000);
afterAll(async () => {
  await moto?.stop();
  rmSync(cdkHome, { recursive: true, force: true });
}, 30_000);

describe('pnpm infra:bootstrap', () => {
  it('is the command README documents', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('pnpm infra:bootstrap -c env=production');
  });

  it('bootstraps aws://<account of the credentials>/<region of the environment> with the real CDK CLI, and preflight then passes', async () => {
    // Only moto's endpoint: the integration run's own (the testbed's S3, SQS) would win over AWS_ENDPOINT_URL.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_ENDPOINT_URL')));
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'infra', 'scripts', 'bootstrap.ts'), '-c', 'env=dev'], {
      cwd: REPO_ROOT,
      env: { ...env, AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'ap-northeast-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', CDK_HOME: cdkHome },
    });
    expect(stderr).toContain('infra:bootstrap: cdk bootstrap aws://123456789012/ap-northeast-1 (environment dev)');
    // The CDK CLI writes its messages to stdout when CI is set (as on CI runners), to stderr otherwise.
    expect(stdout + stderr).toMatch(/Environment aws:\/\/123456789012\/ap-northeast-1 bootstrapped/);

    const ssm = new SSMClient(moto.clientConfig);
    const version = Number((await ssm.send(new GetParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version' }))).Parameter?.Value);
    ssm.destroy();
    const synth = new Synthesizer();
    const clients = new AwsClients({ credentials: moto.clientConfig.credentials, endpoints: { sts: moto.endpoint, ssm: moto.endpoint, cloudformation: moto.endpoint } });
    try {
      const need = bootstrapRequirement(synth.synth('dev').template as never);
      expect(version).toBeGreaterThanOrEqual(need.minVersion);
      const report = await runPreflight(loadEnvironment('dev'), { clients, bootstrap: need });
      expect(report.checks.find((c) => c.id === 'bootstrap')).toMatchObject({ state: 'pass', detail: `version ${version} (the template needs ${need.minVersion} or later), CDKToolkit CREATE_COMPLETE` });
    } finally {
      clients.destroy();
      synth.dispose();
    }
  }, 120_000);
});
