import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePorts } from './ports';
import { REPO_ROOT } from './settings';

/** moto_server from the project's venv (`./dev setup` installs scripts/python-requirements.txt). */
export const MOTO_SERVER = join(REPO_ROOT, '.cache', 'python', 'bin', 'moto_server');

/** moto's fixed account id. */
export const MOTO_ACCOUNT_ID = '123456789012';

export class MotoUnavailableError extends Error {
  override readonly name = 'MotoUnavailableError';
}

/**
 * A stock moto server on 127.0.0.1: the local emulator of AWS control-plane APIs (IAM, SSM,
 * CloudFormation reads, Auto Scaling, CloudWatch, SNS, S3, STS). One per test file that needs
 * it; its state is wiped with reset() between cases.
 */
export interface MotoServer {
  /** `http://localhost:PORT`: moto path-parses S3 URLs only for "localhost" (127.0.0.1 reads as a bucket). */
  endpoint: string;
  /** What an AWS SDK v3 client needs to talk to it (path-style S3, dummy credentials). */
  clientConfig: { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string }; forcePathStyle: true };
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMoto(options: { region?: string; startTimeoutMs?: number } = {}): Promise<MotoServer> {
  if (!existsSync(MOTO_SERVER)) {
    throw new MotoUnavailableError(`${MOTO_SERVER} is missing: run ./dev setup (it installs scripts/python-requirements.txt into .cache/python)`);
  }
  const [port] = await freePorts(1);
  const endpoint = `http://localhost:${port}`;
  const child = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  child.stderr?.on('data', (c: Buffer) => stderr.push(c.toString('utf8')));
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new MotoUnavailableError(`moto_server exited with ${child.exitCode}: ${stderr.join('').slice(-2000)}`);
    if (await answers(`${endpoint}/moto-api/data.json`)) break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new MotoUnavailableError(`moto_server did not answer on ${endpoint} within ${options.startTimeoutMs ?? 30_000} ms`);
    }
    await sleep(100);
  }
  const region = options.region ?? 'ap-northeast-1';
  return {
    endpoint,
    clientConfig: { region, endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, forcePathStyle: true },
    reset: async () => {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset answered ${res.status}`);
    },
    stop: () => stopChild(child),
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
