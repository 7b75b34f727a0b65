import { spawn } from 'node:child_process';
import { PeakRssSampler } from '@cis/testbed';

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakRssBytes: number;
}

/** Runs a command to completion, measuring wall time and the peak RSS of its process tree. */
export function runMeasured(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; echoStderr?: boolean } = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const sampler = new PeakRssSampler(child.pid!).start();
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (opts.echoStderr) process.stderr.write(d);
    });
    child.on('error', (err) => {
      sampler.stop();
      reject(err);
    });
    child.on('close', (code) => {
      const peakRssBytes = sampler.stop();
      resolve({ code, stdout, stderr, seconds: Number(process.hrtime.bigint() - t0) / 1e9, peakRssBytes });
    });
  });
}
