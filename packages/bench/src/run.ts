import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PeakRssSampler } from '@cis/testbed';
import { ThreadCpuSampler, type ThreadSample } from './cpu';

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakRssBytes: number;
  pid: number;
  /** CPU time of every thread of the tree, as last seen. */
  threads: ThreadSample[];
  /** CPU seconds of the whole tree, exact (what the kernel charged to reaped children). */
  cpuSeconds: number;
}

/** User + system seconds of this process's reaped descendants (cutime + cstime). */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Runs a command to completion, measuring wall time and the peak RSS of its process tree. */
export function runMeasured(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; echoStderr?: boolean } = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const cpu0 = childrenCpuSeconds();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const sampler = new PeakRssSampler(child.pid!).start();
    const cpu = new ThreadCpuSampler(child.pid!).start();
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (opts.echoStderr) process.stderr.write(d);
    });
    child.on('error', (err) => {
      sampler.stop();
      cpu.stop();
      reject(err);
    });
    child.on('close', (code) => {
      const peakRssBytes = sampler.stop();
      // The tree is gone by now: what the last poll saw is what it used.
      const threads = cpu.stop();
      resolve({ code, stdout, stderr, seconds: Number(process.hrtime.bigint() - t0) / 1e9, peakRssBytes, pid: child.pid!, threads, cpuSeconds: childrenCpuSeconds() - cpu0 });
    });
  });
}
