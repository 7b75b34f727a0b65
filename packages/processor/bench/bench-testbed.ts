import { down, status, up } from '@cis/testbed';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../test/support/worker-harness';

/** The running `pnpm testbed up`, or a private one for this run (stopped by `stop`). */
export async function benchTestbed(label: string): Promise<{ variables: Record<string, string>; runDir: string; stop(): Promise<void> }> {
  const shared = join(REPO_ROOT, '.testbed');
  const current = await status(shared);
  if (current.running) {
    const { variables } = await up({ runDir: shared });
    return { variables, runDir: shared, stop: async () => {} };
  }
  const runDir = mkdtempSync(join(tmpdir(), 'cis-bench-testbed-'));
  process.stderr.write(`${label}: starting a testbed…\n`);
  const { variables } = await up({ runDir, ownerPid: process.pid, ephemeral: true });
  return { variables, runDir, stop: async () => void (await down(runDir)) };
}
