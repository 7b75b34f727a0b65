import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

export interface ThreadSample {
  pid: number;
  tid: number;
  /** Command name of the thread and of its process. */
  comm: string;
  processComm: string;
  cpuSeconds: number;
}

/**
 * Polls /proc for the CPU time of every thread of a process tree, so the bench can say where the
 * CPU went (main thread, OCR threads, libvips, extraction processes) without a profiler. Threads
 * that end between two polls lose at most one interval of their time.
 */
export class ThreadCpuSampler {
  private readonly threads = new Map<string, ThreadSample>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly root: number, private readonly intervalMs = 200) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  stop(): ThreadSample[] {
    this.sample();
    clearInterval(this.timer);
    return [...this.threads.values()];
  }

  private sample(): void {
    for (const pid of tree(this.root)) {
      let processComm: string;
      let tids: string[];
      try {
        processComm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        tids = readdirSync(`/proc/${pid}/task`);
      } catch {
        continue;
      }
      for (const tid of tids) {
        try {
          const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
          const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
          this.threads.set(`${pid}/${tid}`, { pid, tid: Number(tid), comm, processComm, cpuSeconds });
        } catch {
          // The thread ended between listing and reading.
        }
      }
    }
  }
}

/** The process and its descendants, now. */
function tree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Ended meanwhile.
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i]) out.push(pid);
  return out;
}

/** CPU seconds by where they were spent. */
export type CpuBreakdown = Record<string, number>;

/**
 * Ours: the main thread; libvips' threads (sharp); the other threads of the main process, which
 * are the OCR threads (each with tesseract's engine thread nested in it) plus V8's and libuv's
 * helpers; the extraction processes (every thread); anything else in the tree (tsx's esbuild).
 * Node 20 does not name its threads, so the OCR threads are told apart by elimination.
 */
export function oursCpu(root: number, threads: ThreadSample[]): CpuBreakdown {
  const out: CpuBreakdown = {};
  const add = (k: string, v: number) => (out[k] = (out[k] ?? 0) + v);
  for (const t of threads) {
    if (t.pid === root) {
      if (t.tid === root) add('main thread', t.cpuSeconds);
      else if (t.comm.startsWith('libvips')) add('libvips threads (main process)', t.cpuSeconds);
      else add('OCR threads (+ V8/libuv helpers)', t.cpuSeconds);
    } else if (t.processComm === 'node') add('extraction processes', t.cpuSeconds);
    else add(`other (${t.processComm})`, t.cpuSeconds);
  }
  return out;
}

/** Native: by program (tesseract, pdftotext, …; `node` is the driver script). */
export function nativeCpu(threads: ThreadSample[]): CpuBreakdown {
  const out: CpuBreakdown = {};
  for (const t of threads) out[t.processComm] = (out[t.processComm] ?? 0) + t.cpuSeconds;
  return out;
}

/** `exactSeconds`: the kernel's figure for the whole tree; the parts are polled, so short-lived processes are partly missed. */
export function formatCpu(name: string, cpu: CpuBreakdown, exactSeconds: number, wallSeconds: number): string {
  const total = Object.values(cpu).reduce((s, v) => s + v, 0);
  const lines = [
    `${name}: CPU ${exactSeconds.toFixed(1)} s over ${wallSeconds.toFixed(1)} s wall (${(exactSeconds / wallSeconds).toFixed(2)} cores busy); by part (polled, ${total.toFixed(1)} s seen):`,
  ];
  for (const [k, v] of Object.entries(cpu).sort((a, b) => b[1] - a[1])) {
    lines.push(`  ${k.padEnd(36)}${v.toFixed(1).padStart(8)} s ${((v / total) * 100).toFixed(1).padStart(6)}%`);
  }
  return lines.join('\n');
}
