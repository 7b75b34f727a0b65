import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

const ensured = new Set<string>();

/** Installs Debian packages through the project's idempotent script (once per process). */
export function aptEnsure(...packages: string[]): void {
  const missing = packages.filter((p) => !ensured.has(p));
  if (missing.length === 0) return;
  execFileSync(join(repoRoot(), 'scripts/apt-ensure.sh'), missing, { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const p of missing) ensured.add(p);
}
