/**
 * Bootstraps the CDK toolkit (assets bucket, deploy roles) in the account and region of one
 * environment, without synthesizing the app (which needs -c env to exist at all):
 *
 *   pnpm infra:bootstrap -c env=<name> [-- <more cdk bootstrap options>]
 *
 * The account is the environment's `account`, else the one the credentials belong to (STS); the
 * region is the environment's. Runs `cdk bootstrap --app '' aws://<account>/<region>`.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { infraArgs } from '../src/cli-args';
import { ConfigError, loadEnvironment } from '../src/config/load';
import { REPO_ROOT } from '../src/synth';

export const CDK = join(REPO_ROOT, 'infra', 'node_modules', '.bin', 'cdk');

async function main(argv: string[]): Promise<number> {
  const { env, passThrough } = infraArgs(argv, {});
  const config = loadEnvironment(env);
  let account = config.account;
  if (!account) {
    const sts = new STSClient({ region: config.region });
    try {
      account = (await sts.send(new GetCallerIdentityCommand({}))).Account;
    } finally {
      sts.destroy();
    }
  }
  if (!account) throw new Error('STS did not name the account of these credentials');
  const target = `aws://${account}/${config.region}`;
  process.stderr.write(`infra:bootstrap: cdk bootstrap ${target} (environment ${config.name})\n`);
  // --app '': the CLI would otherwise synthesize the app first, which is neither needed nor possible without -c env.
  const child = spawn(CDK, ['bootstrap', '--app', '', target, ...passThrough], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, CDK_HOME: process.env.CDK_HOME ?? join(REPO_ROOT, '.cache', 'cdk') },
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`infra:bootstrap: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
  },
);
