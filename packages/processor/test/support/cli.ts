import { main } from '../../src/programs/cli/main';

/**
 * Runs `cis …` in this process, as `pnpm cis` would, with extra environment variables; returns
 * the exit code and what it wrote to stdout and stderr (kept out of the test output).
 */
export async function runCis(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const saved = process.env;
  process.env = { ...saved, ...env };
  const out: string[] = [];
  const errOut: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    errOut.push(String(chunk));
    return true;
  });
  try {
    return { code: await main(args), out: out.join(''), err: errOut.join('') };
  } finally {
    write.mockRestore();
    err.mockRestore();
    process.env = saved;
  }
}
