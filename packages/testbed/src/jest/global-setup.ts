import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, up } from '../control';
import { testbedVariables } from '../env-file';
import { DEFAULT_STATE_DIR } from '../settings';

/** Read by global-teardown (same process): the run directory this jest run started, if any. */
export const STARTED_DIR_KEY = '__CIS_TESTBED_STARTED_DIR__';

/**
 * Starts one testbed for the whole jest run in a fresh directory with fresh ports, owned by
 * this process (it stops by itself if jest dies), and hands its endpoints to the test workers
 * through process.env. With CIS_TESTBED_REUSE=1, a running `pnpm testbed up` is used instead.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.CIS_TESTBED_REUSE === '1') {
    const current = await status(DEFAULT_STATE_DIR);
    if (current.running && current.state) {
      Object.assign(process.env, testbedVariables(current.state.endpoints, DEFAULT_STATE_DIR));
      return;
    }
  }
  const runDir = join(tmpdir(), 'cis-testbed', `run-${Date.now()}-${process.pid}`);
  const { variables } = await up({ runDir, ownerPid: process.pid, ephemeral: true });
  Object.assign(process.env, variables);
  (globalThis as Record<string, unknown>)[STARTED_DIR_KEY] = runDir;
}
