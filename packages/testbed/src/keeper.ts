/**
 * The keeper: one detached process per testbed that owns the servers. It serves the Bedrock
 * stand-in itself, starts the three JVMs under `setpriv --pdeathsig KILL` (so they die with it,
 * even on SIGKILL), records state.json, and stops everything when told to (SIGTERM), when a
 * server dies, or when its owner process (a jest run) is gone.
 *
 * Usage: node --require tsx/cjs keeper.ts <runDir>
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBedrockStandIn, type BedrockStandIn } from './bedrock/standin';
import { type KeeperConfig, type ServerName, type TestbedState, endpointsFor, readJson, runFiles, writeJson } from './layout';
import { log } from './log';
import { isAlive } from './processes';
import { serverSpecs } from './servers';

const STOP_GRACE_MS = 15_000;

async function main(runDir: string): Promise<void> {
  const files = runFiles(runDir);
  const config = await readJson<KeeperConfig>(files.config);
  if (!config) throw new Error(`no keeper config at ${files.config}`);
  await mkdir(files.logs, { recursive: true });
  await mkdir(files.data, { recursive: true });

  const endpoints = endpointsFor(config.ports);
  const state: TestbedState = {
    keeperPid: process.pid,
    phase: 'starting',
    startedAt: new Date().toISOString(),
    endpoints,
    servers: [],
  };
  const children = new Map<ServerName, ChildProcess>();
  let bedrock: BedrockStandIn | undefined;
  let stopping = false;

  const stop = async (reason: string, code: number): Promise<never> => {
    if (stopping) return new Promise<never>(() => undefined);
    stopping = true;
    log.info({ reason }, 'stopping testbed');
    await Promise.all([...children.values()].map((child) => stopChild(child)));
    await bedrock?.close().catch(() => undefined);
    if (code === 0) {
      await rm(config.ephemeral ? runDir : files.data, { recursive: true, force: true });
      if (!config.ephemeral) await Promise.all([rm(files.state, { force: true }), rm(files.env, { force: true })]);
    } else {
      // Keep the logs (and state with the failure) for whoever reads them; drop the data.
      await rm(files.data, { recursive: true, force: true });
    }
    process.exit(code);
  };
  const fail = async (failure: string): Promise<never> => {
    log.error({ failure }, 'testbed failed');
    state.phase = 'failed';
    state.failure = failure;
    await writeJson(files.state, state).catch(() => undefined);
    return stop(failure, 1);
  };

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void stop(signal, 0));
  if (config.ownerPid !== undefined) {
    const owner = config.ownerPid;
    setInterval(() => {
      if (!isAlive(owner)) void stop(`owner process ${owner} is gone`, 0);
    }, 1_000).unref();
  }

  bedrock = await startBedrockStandIn({ port: config.ports.bedrock });
  const specs = await serverSpecs(config);
  for (const spec of specs) {
    const out = openSync(join(files.logs, `${spec.name}.log`), 'a');
    // --pdeathsig: the kernel kills the JVM when the keeper dies, whatever kills the keeper.
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', spec.command, ...spec.args], {
      cwd: runDir,
      stdio: ['ignore', out, out],
    });
    child.once('error', (err) => void fail(`${spec.name} could not start: ${err.message}`));
    child.once('exit', (code, signal) => {
      if (!stopping) void fail(`${spec.name} exited (${signal ?? `code ${code}`}); see ${join(files.logs, `${spec.name}.log`)}`);
    });
    children.set(spec.name, child);
    state.servers.push({ name: spec.name, pid: child.pid ?? -1 });
  }
  await writeJson(files.state, state);

  const deadline = Date.now() + config.startTimeoutMs;
  const pending = new Set(specs);
  while (pending.size > 0) {
    if (Date.now() > deadline) {
      await fail(`not ready within ${config.startTimeoutMs / 1000} s: ${[...pending].map((s) => s.name).join(', ')}`);
    }
    for (const spec of [...pending]) {
      if (await spec.ready(endpoints)) {
        pending.delete(spec);
        log.info({ server: spec.name, ms: Date.now() - Date.parse(state.startedAt) }, 'server ready');
      }
    }
    if (pending.size > 0) await sleep(250);
  }
  state.phase = 'ready';
  state.readyAt = new Date().toISOString();
  await writeJson(files.state, state);
  log.info({ ms: Date.parse(state.readyAt) - Date.parse(state.startedAt) }, 'testbed ready');
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

const runDir = process.argv[2];
if (!runDir) {
  process.stderr.write('usage: keeper.ts <runDir>\n');
  process.exit(2);
}
mkdirSync(runDir, { recursive: true });
main(runDir).catch((err: unknown) => {
  log.error({ err }, 'keeper crashed');
  process.exit(1);
});
