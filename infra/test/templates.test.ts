import { App, Stack } from 'aws-cdk-lib';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baselineDifference, baselinePath } from '../src/baseline';
import { ENVIRONMENT_NAMES } from '../src/config/load';
import { cdkJsonContext, REPO_ROOT, Synthesizer } from '../src/synth';
import { maskHashes, onlyResource, renderText, userDataText } from './template-text';

/**
 * The templates as a whole: valid CloudFormation (checked offline during synth), equal to the
 * committed baselines (a difference is shown by `cdk diff --template … --fail`, as a reviewer
 * would see it), and the strings inside them (boot script, dashboard) snapshotted as text.
 */
const synth = new Synthesizer();
const scratch: string[] = [];
afterAll(() => {
  synth.dispose();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});
// Template validation compiles its rule engine once per process, then each template takes a second or two.
const validated = (env: string) => synth.synth(env, { validate: true });

expect.addSnapshotSerializer({
  test: (v) => typeof v === 'string' && /[0-9a-f]{64}/.test(v),
  serialize: (v: string, config, indentation, depth, refs, printer) => printer(maskHashes(v), config, indentation, depth, refs),
});

describe('CloudFormation validation (offline)', () => {
  it.each(ENVIRONMENT_NAMES)('finds nothing in %s', (env) => {
    const report = validated(env).validationReport.pluginReports.find((r) => r.pluginName === 'CloudFormation Validate');
    expect(report).toMatchObject({ conclusion: 'success', violations: [] });
  });

  it('fails the synth on an invalid template', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cis-infra-invalid-'));
    scratch.push(outdir);
    const app = new App({ outdir, context: cdkJsonContext() });
    // SQS allows at most 43,200 s of visibility.
    new sqs.CfnQueue(new Stack(app, 'Invalid'), 'Queue', { visibilityTimeout: 50_000 });
    expect(() => app.synth()).toThrow();
    expect(readFileSync(join(outdir, 'validation-report.json'), 'utf8')).toMatch(/VisibilityTimeout/);
  });
});

describe('cfn-lint (AWS CloudFormation Linter, from scripts/python-requirements.txt)', () => {
  const CFN_LINT = join(REPO_ROOT, '.cache', 'python', 'bin', 'cfn-lint');

  it('finds no errors in the three templates; its only warning is the explicit availability zones', async () => {
    if (!existsSync(CFN_LINT)) throw new Error(`${CFN_LINT} is missing: run ./dev setup (it installs scripts/python-requirements.txt into .cache/python)`);
    const files = ENVIRONMENT_NAMES.map((env) => {
      const { stack, outdir } = validated(env);
      return join(outdir, `${stack.stackName}.template.json`);
    });
    // Exit status is a bit mask: 2 errors, 4 warnings, 8 informational.
    const { code, stdout } = await promisify(execFile)(CFN_LINT, ['--format', 'parseable', ...files]).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    const findings = stdout.split('\n').filter(Boolean);
    expect(findings.filter((f) => /:E\d{4}:/.test(f))).toEqual([]);
    expect(code & 2).toBe(0);
    // Zones are named on purpose: synth stays offline (no lookup) when an environment names its account.
    expect(findings.filter((f) => !/:W3010:Avoid hardcoding availability zones/.test(f))).toEqual([]);
  }, 120_000);
});

describe('baselines (infra/baselines/*.template.json)', () => {
  it.each(ENVIRONMENT_NAMES)('%s matches its baseline (refresh with: pnpm infra:baselines)', async (env) => {
    const { stack, template, outdir } = validated(env);
    const difference = await baselineDifference(stack.stackName, template, outdir);
    if (difference) throw new Error(`${stack.stackName} differs from ${baselinePath(stack.stackName)}; if intended, run pnpm infra:baselines\n${difference}`);
  });

  it('shows a changed setting the way cdk diff --fail does', async () => {
    const { stack, template, outdir } = validated('dev');
    const baseline = JSON.parse(readFileSync(baselinePath(stack.stackName), 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const queue = Object.values(baseline.Resources).find((r) => r.Type === 'AWS::SQS::Queue' && r.Properties.VisibilityTimeout === 900)!;
    queue.Properties.VisibilityTimeout = 600;
    const dir = mkdtempSync(join(tmpdir(), 'cis-infra-baseline-'));
    scratch.push(dir);
    const edited = join(dir, 'baseline.json');
    writeFileSync(edited, JSON.stringify(baseline));
    const difference = await baselineDifference(stack.stackName, template, outdir, edited);
    expect(difference).toMatch(/^cdk diff exit 1:/);
    expect(difference).toMatch(/VisibilityTimeout[\s\S]*600[\s\S]*900/);
  }, 120_000);
});

describe('snapshots (asset hashes masked)', () => {
  it.each(ENVIRONMENT_NAMES)('boot script of %s', (env) => {
    expect(userDataText(validated(env).template)).toMatchSnapshot();
  });

  it.each(ENVIRONMENT_NAMES)('dashboard of %s', (env) => {
    expect(JSON.parse(renderText(onlyResource(validated(env).template, 'AWS::CloudWatch::Dashboard').DashboardBody))).toMatchSnapshot();
  });
});
