import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ConfigError } from '../../core/errors';
import type { FromChild, ToChild } from './protocol';

/** util-linux tools the sandbox starts its processes with (Debian: essential; Amazon Linux: util-linux). */
const TOOLS = ['prlimit', 'setpriv'] as const;

/** Fails at start-up, naming the package, when the tools the sandbox needs are missing. */
export function checkSandboxTools(path = process.env.PATH ?? ''): void {
  const missing = TOOLS.filter((tool) => !path.split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, tool))));
  if (missing.length > 0) {
    throw new ConfigError(`the extraction sandbox needs ${missing.join(' and ')} (package util-linux) on PATH`);
  }
}

export interface SandboxProcessOptions {
  /** Hard cap of the process's private writable memory (RLIMIT_DATA): heap, Buffers, native and WASM allocations. */
  memoryBytes: number;
  /** Module paths with extra extractors (tests). */
  extractorModules: readonly string[];
  /** How long a new process may take to say it is ready. */
  startTimeoutMs: number;
  /** Lines a process writes (its logs, library warnings) go here, never to stdout. */
  output(line: string): void;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const TAIL_CHARS = 4000;

/**
 * One extraction process: `setpriv --pdeathsig KILL prlimit --data=<memory> node
 * --max-old-space-size=<70 %> child-main`. RLIMIT_DATA is the hard cap (RLIMIT_AS would break
 * WebAssembly, which reserves gigabytes of address space per memory); a smaller V8 heap makes
 * the common JS-heap blow-up a clean, recognisable abort; the parent-death signal ends the
 * process if the supervisor itself is killed mid-file. The kernel's OOM killer is told to pick
 * this process first (oom_score_adj 1000).
 */
export class SandboxProcess {
  readonly proc: ChildProcess;
  readonly exited: Promise<Exit>;
  /** Files handed to this process so far. */
  files = 0;
  exit: Exit | undefined;
  /** Killed (or being killed): takes no more files, even before its exit is seen. */
  private killed = false;
  private tail = '';
  private partial = { stdout: '', stderr: '' };

  private constructor(opts: SandboxProcessOptions) {
    const { file, execArgv } = entryScript();
    const heapMb = Math.max(64, Math.floor((opts.memoryBytes / 2 ** 20) * 0.7));
    const node = [process.execPath, `--max-old-space-size=${heapMb}`, ...execArgv, file, ...opts.extractorModules];
    this.proc = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'prlimit', `--data=${opts.memoryBytes}`, '--', ...node], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      // @napi-rs/canvas (loaded with pdf.js) allocates through mimalloc, which by default commits
      // a 1 GiB arena up front: untouched, yet counted by RLIMIT_DATA, it would leave a 1.25 GiB
      // budget with 200 MiB. Reserved without committing, it counts only as it is used.
      env: { ...process.env, MIMALLOC_ARENA_EAGER_COMMIT: '0' },
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      this.proc[stream]?.setEncoding('utf8');
      this.proc[stream]?.on('data', (chunk: string) => this.take(stream, chunk, opts.output));
    }
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        this.exit = { code, signal };
        for (const stream of ['stdout', 'stderr'] as const) if (this.partial[stream]) opts.output(this.partial[stream]);
        resolve(this.exit);
      });
    });
    // An error event (spawn failed) is followed by no exit event when the process never ran.
    this.proc.once('error', () => {
      this.exit ??= { code: null, signal: null };
    });
  }

  /** Starts a process and waits for it to say it is ready. */
  static async start(opts: SandboxProcessOptions): Promise<SandboxProcess> {
    const p = new SandboxProcess(opts);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready message within ${opts.startTimeoutMs} ms`)), opts.startTimeoutMs);
        const done = (err?: Error) => {
          clearTimeout(timer);
          p.proc.off('message', onMessage);
          if (err) reject(err);
          else resolve();
        };
        const onMessage = (m: FromChild) => m.type === 'ready' && done();
        p.proc.on('message', onMessage);
        p.proc.once('error', (err) => done(err));
        void p.exited.then((exit) => done(new Error(`exited at start (${describeExit(exit)}): ${p.lastLines()}`)));
      });
    } catch (err) {
      p.kill();
      throw new Error(`an extraction process did not start: ${(err as Error).message}`, { cause: err });
    }
    try {
      // Raising one's own child's score needs no privilege; lowering it would.
      writeFileSync(`/proc/${p.proc.pid}/oom_score_adj`, '1000');
    } catch {
      // Not Linux, or /proc is not writable here: the memory caps still hold.
    }
    return p;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Able to take a file: running and not being killed. */
  get alive(): boolean {
    return this.exit === undefined && !this.killed;
  }

  send(message: ToChild): void {
    if (this.exit === undefined && this.proc.connected) this.proc.send(message);
  }

  /** Resident memory now, from /proc (0 once the process is gone). */
  rssBytes(): number {
    try {
      const status = readFileSync(`/proc/${this.proc.pid}/status`, 'latin1');
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
      return kb ? Number(kb) * 1024 : 0;
    } catch {
      return 0;
    }
  }

  kill(): void {
    if (this.exit === undefined) this.proc.kill('SIGKILL');
    this.killed = true;
  }

  /** An idle process must not keep the main process alive; a busy one does. */
  hold(busy: boolean): void {
    const channel = this.proc.channel as { ref(): void; unref(): void } | undefined;
    if (busy) {
      this.proc.ref();
      channel?.ref();
    } else {
      this.proc.unref();
      channel?.unref();
    }
  }

  /** The last lines the process wrote (for crash reasons). */
  lastLines(n = 3): string {
    return this.tail
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-n)
      .join(' | ');
  }

  /** Everything kept of the output (the last few KB), for telling an out-of-memory crash by its words. */
  get outputTail(): string {
    return this.tail;
  }

  private take(stream: 'stdout' | 'stderr', chunk: string, output: (line: string) => void): void {
    this.tail = (this.tail + chunk).slice(-TAIL_CHARS);
    const lines = (this.partial[stream] + chunk).split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) output(line);
  }
}

export function describeExit(exit: Exit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

/**
 * The child's entry next to this module: `extract-child.js` in the esbuild bundle (built beside
 * cis.js), `child-main.ts` in the source tree, run with tsx's CommonJS hook.
 */
function entryScript(): { file: string; execArgv: string[] } {
  const js = join(__dirname, 'extract-child.js');
  if (existsSync(js)) return { file: js, execArgv: [] };
  return { file: join(__dirname, 'child-main.ts'), execArgv: ['--require', require.resolve('tsx/cjs')] };
}
