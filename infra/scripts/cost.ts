/**
 * What each environment's worker fleet costs, computed from its configuration
 * (infra/src/config/environments.ts) with the capacity planner's fleetCost.
 *
 *   pnpm infra:cost            print the table
 *   pnpm infra:cost --json     print the figures as JSON
 *   pnpm infra:cost --write    also rewrite the table in infra/README.md (between the cost markers)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_NAMES, loadEnvironment } from '../src/config/load';
import { environmentCost, renderCostTable } from '../src/cost';
import { REPO_ROOT } from '../src/synth';

export const README = join(REPO_ROOT, 'infra', 'README.md');
const BEGIN = '<!-- cost:begin (pnpm infra:cost --write) -->';
const END = '<!-- cost:end -->';

export function costSection(): string {
  return renderCostTable(ENVIRONMENT_NAMES.map((name) => environmentCost(loadEnvironment(name))));
}

/** The README's cost table as last written, or undefined without markers. */
export function readmeCostSection(readme: string): string | undefined {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  return start >= 0 && end > start ? readme.slice(start + BEGIN.length, end).trim() : undefined;
}

function main(argv: string[]): void {
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(ENVIRONMENT_NAMES.map((name) => environmentCost(loadEnvironment(name))), null, 2)}\n`);
    return;
  }
  const table = costSection();
  process.stdout.write(`${table}\n`);
  if (argv.includes('--write')) {
    const readme = readFileSync(README, 'utf8');
    if (readmeCostSection(readme) === undefined) throw new Error(`${README} has no cost markers`);
    const start = readme.indexOf(BEGIN) + BEGIN.length;
    writeFileSync(README, `${readme.slice(0, start)}\n${table}\n${readme.slice(readme.indexOf(END))}`);
  }
}

if (require.main === module) main(process.argv.slice(2));
