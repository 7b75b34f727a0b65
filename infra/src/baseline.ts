import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { BASELINE_DIR, REPO_ROOT } from './synth';

/** The committed template of a stack, which the tests compare with and reviewers read. */
export function baselinePath(stackName: string): string {
  return join(BASELINE_DIR, `${stackName}.template.json`);
}

export function renderBaseline(template: unknown): string {
  return `${JSON.stringify(template, null, 1)}\n`;
}

/**
 * Compares a synthesized template with a baseline file. Equal: undefined (decided in-process,
 * fast). Different: what `cdk diff <stack> --template <baseline> --fail` prints, which is what a
 * reviewer would run to see the change.
 */
export async function baselineDifference(stackName: string, template: unknown, assemblyDir: string, baseline = baselinePath(stackName)): Promise<string | undefined> {
  if (!existsSync(baseline)) return `no baseline at ${baseline}`;
  if (isDeepStrictEqual(JSON.parse(readFileSync(baseline, 'utf8')), template)) return undefined;
  const cdk = join(REPO_ROOT, 'infra', 'node_modules', '.bin', 'cdk');
  try {
    await promisify(execFile)(cdk, ['diff', stackName, '--app', assemblyDir, '--template', baseline, '--fail'], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDK_HOME: join(REPO_ROOT, '.cache', 'cdk'), FORCE_COLOR: '0' },
      timeout: 120_000,
    });
    // Equal for cdk diff but not byte for byte (e.g. key order): still a difference to commit.
    return 'the template differs from its baseline only in ways cdk diff does not show (order, formatting)';
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return `cdk diff exit ${e.code ?? '?'}:\n${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
}
