import { spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureArtifacts } from './artifacts';
import { renderEnvFile, testbedVariables } from './env-file';
import { type KeeperConfig, type Ports, SERVER_NAMES, type TestbedState, readJson, runFiles, writeJson } from './layout';
import { log } from './log';
import { freePorts } from './ports';
import { isOurs, terminate } from './processes';
import { loadSettings } from './settings';

const KEEPER = join(__dirname, 'keeper.ts');

export interface UpOptions {
  runDir: string;
  /** Stop the testbed when this process ends. */
  ownerPid?: number;
  /** Delete the run directory when the testbed stops cleanly. */
  ephemeral?: boolean;
}

export interface RunningTestbed {
  state: TestbedState;
  variables: Record<string, string>;
  /** False when `up` found this testbed already running. */
  started: boolean;
}

/** A testbed that did not come up; the message carries the failing server's log tail. */
export class TestbedStartError extends Error {
  override readonly name = 'TestbedStartError';
}

/**
 * Starts a testbed in `runDir`, or reuses the one running there, and returns once every server
 * answers. Writes `<runDir>/env`.
 */
export async function up(options: UpOptions): Promise<RunningTestbed> {
  try {
    return await upOnce(options);
  } catch (err) {
    // Ports are picked free but bound later: another process can take one in between. Once more.
    if (!(err instanceof TestbedStartError) || !/BindException|Address already in use|EADDRINUSE/.test(err.message)) throw err;
    log.warn('a port was taken before a server bound it: starting again on fresh ports');
    return upOnce(options);
  }
}

async function upOnce(options: UpOptions): Promise<RunningTestbed> {
  const { runDir } = options;
  const files = runFiles(runDir);
  const existing = await readJson<TestbedState>(files.state);
  if (existing && existing.phase !== 'failed' && isOurs(existing.keeperPid, runDir)) {
    log.info({ runDir, keeperPid: existing.keeperPid }, 'testbed already running: reusing it');
    const state = await waitReady(runDir, existing.keeperPid, loadSettings().startTimeoutMs + 30_000);
    return { state, variables: await writeEnv(runDir, state), started: false };
  }
  await rm(runDir, { recursive: true, force: true });
  await mkdir(files.logs, { recursive: true });

  const settings = loadSettings();
  const started = Date.now();
  const artifacts = await ensureArtifacts(settings);
  const [opensearchHttp, opensearchTransport, sqs, s3, s3Tls, bedrock] = await freePorts(6);
  const ports: Ports = { opensearchHttp: opensearchHttp!, opensearchTransport: opensearchTransport!, sqs: sqs!, s3: s3!, s3Tls: s3Tls!, bedrock: bedrock! };
  const config: KeeperConfig = {
    runDir,
    ownerPid: options.ownerPid,
    ephemeral: options.ephemeral ?? false,
    ports,
    artifacts,
    java: settings.java,
    opensearchHeapMb: settings.opensearchHeapMb,
    startTimeoutMs: settings.startTimeoutMs,
  };
  await writeJson(files.config, config);

  const out = openSync(join(files.logs, 'keeper.log'), 'a');
  const keeper = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), KEEPER, runDir], {
    cwd: runDir,
    detached: true, // own process group: a Ctrl-C meant for jest or the shell reaches the keeper only via its owner check
    stdio: ['ignore', out, out],
    env: { ...process.env, CIS_LOG_LEVEL: process.env.CIS_LOG_LEVEL ?? 'info' },
  });
  keeper.unref();
  if (keeper.pid === undefined) throw new TestbedStartError('could not spawn the testbed keeper');
  log.info({ runDir, ports }, 'starting testbed');

  try {
    const state = await waitReady(runDir, keeper.pid, settings.startTimeoutMs + 30_000);
    log.info({ ms: Date.now() - started }, 'testbed up');
    return { state, variables: await writeEnv(runDir, state), started: true };
  } catch (err) {
    await terminate(keeper.pid, runDir, 20_000);
    throw err;
  }
}

/** Stops the testbed in `runDir` and everything it started; a no-op when none runs there. */
export async function down(runDir: string): Promise<boolean> {
  const files = runFiles(runDir);
  const state = await readJson<TestbedState>(files.state);
  if (!state) return false;
  await terminate(state.keeperPid, runDir, 30_000);
  // The servers die with the keeper (pdeathsig); this covers a keeper that was SIGKILLed mid-spawn.
  await Promise.all(state.servers.map((s) => terminate(s.pid, runDir, 5_000)));
  await Promise.all([rm(files.state, { force: true }), rm(files.env, { force: true }), rm(files.data, { recursive: true, force: true })]);
  return true;
}

export interface Status {
  running: boolean;
  state?: TestbedState;
  servers: { name: string; pid?: number; alive: boolean }[];
}

export async function status(runDir: string): Promise<Status> {
  const state = await readJson<TestbedState>(runFiles(runDir).state);
  const keeperAlive = state !== undefined && isOurs(state.keeperPid, runDir);
  const servers = [
    { name: 'keeper+bedrock', pid: state?.keeperPid, alive: keeperAlive },
    ...SERVER_NAMES.map((name) => {
      const pid = state?.servers.find((s) => s.name === name)?.pid;
      return { name, pid, alive: pid !== undefined && isOurs(pid, runDir) };
    }),
  ];
  return { running: keeperAlive && state?.phase === 'ready', state, servers };
}

async function waitReady(runDir: string, keeperPid: number, timeoutMs: number): Promise<TestbedState> {
  const files = runFiles(runDir);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await readJson<TestbedState>(files.state);
    if (state?.phase === 'ready' && isOurs(keeperPid, runDir)) return state;
    if (state?.phase === 'failed' || !isOurs(keeperPid, runDir) || Date.now() > deadline) {
      const reason = state?.failure ?? (Date.now() > deadline ? 'timed out waiting for the testbed' : 'the keeper exited');
      throw new TestbedStartError(`testbed did not start: ${reason}\n${await logTails(runDir)}`);
    }
    await sleep(200);
  }
}

async function writeEnv(runDir: string, state: TestbedState): Promise<Record<string, string>> {
  const variables = testbedVariables(state.endpoints, runDir);
  await writeFile(runFiles(runDir).env, renderEnvFile(variables));
  return variables;
}

async function logTails(runDir: string): Promise<string> {
  const logs = runFiles(runDir).logs;
  const parts: string[] = [];
  for (const name of ['keeper', ...SERVER_NAMES]) {
    const file = join(logs, `${name}.log`);
    if (!existsSync(file)) continue;
    const text = await readFile(file, 'utf8');
    if (/Address already in use/.test(text)) parts.push(`port conflict: "Address already in use" in ${file}`);
    parts.push(`--- ${file} (last lines)\n${text.trimEnd().split('\n').slice(-15).join('\n')}`);
  }
  return parts.join('\n');
}
