import { readdirSync, readFileSync } from 'node:fs';

const PAGE_SIZE = 4096;

/** pid → [parent pid, resident bytes] for every process we can read. */
function snapshot(): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), [Number(fields[1]), Number(fields[21]) * PAGE_SIZE]);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return out;
}

/** Sum of RSS over a process and all its descendants, now. */
export function treeRss(root: number): number {
  const procs = snapshot();
  const children = new Map<number, number[]>();
  for (const [pid, [ppid]] of procs) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    total += procs.get(pid)?.[1] ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * Polls /proc for the peak resident memory of a process tree (sum of RSS of the process and its
 * descendants: shared pages count once per process, as `ps` would show them).
 */
export class PeakRssSampler {
  peakBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pid: number, private readonly intervalMs = 100) {}

  start(): this {
    const sample = () => {
      this.peakBytes = Math.max(this.peakBytes, treeRss(this.pid));
    };
    sample();
    this.timer = setInterval(sample, this.intervalMs);
    return this;
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    return this.peakBytes;
  }
}
