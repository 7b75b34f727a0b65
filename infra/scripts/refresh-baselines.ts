/**
 * Rewrites the committed baseline templates (infra/baselines/<stack>.template.json) from the
 * current code, for every environment. The infra tests compare each synthesized template with
 * its baseline (infra/src/baseline.ts; on a difference they show `cdk diff --template … --fail`),
 * so an infrastructure change fails the tests until the baselines are refreshed, and the
 * refreshed JSON shows the change in review.
 *
 *   pnpm infra:baselines            rewrite the baselines
 *   pnpm infra:baselines --check    only compare; print each difference as cdk diff shows it, exit 1 if any
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { baselineDifference, baselinePath, renderBaseline } from '../src/baseline';
import { ENVIRONMENT_NAMES } from '../src/config/load';
import { BASELINE_DIR, REPO_ROOT, Synthesizer } from '../src/synth';

async function main(check: boolean): Promise<number> {
  mkdirSync(BASELINE_DIR, { recursive: true });
  const synthesizer = new Synthesizer();
  let differences = 0;
  try {
    for (const env of ENVIRONMENT_NAMES) {
      const { stack, template, outdir } = synthesizer.synth(env, { validate: true });
      const file = baselinePath(stack.stackName);
      if (check) {
        const difference = await baselineDifference(stack.stackName, template, outdir);
        if (difference) differences++;
        process.stdout.write(`${relative(REPO_ROOT, file)}: ${difference ? `differs\n${difference}` : 'matches'}\n`);
        continue;
      }
      const text = renderBaseline(template);
      const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
      writeFileSync(file, text);
      process.stdout.write(`${relative(REPO_ROOT, file)}: ${before === undefined ? 'created' : before === text ? 'unchanged' : 'updated'}\n`);
    }
  } finally {
    synthesizer.dispose();
  }
  return differences > 0 ? 1 : 0;
}

main(process.argv.includes('--check')).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
