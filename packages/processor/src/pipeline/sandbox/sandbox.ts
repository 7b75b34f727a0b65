import { errorMessage } from '../../core/errors';
import { formatBytes } from '../../core/format';
import { log } from '../../core/log';
import type { ExtractContext, ExtractInput, Extraction, ExtractionRunner, Extractor } from '../../core/types';
import { type FromChild, fromWire, toWire } from './protocol';
import { SandboxProcess, checkSandboxTools } from './sandbox-process';
import { ALLOCATION_FAILURE, type Budgets, type KillCause, overMemory, verdictOnExit } from './verdict';

export interface SandboxOptions extends Budgets {
  /** Extraction processes at most: one per file in flight. */
  processes: number;
  /** Parsing time of one file (OCR waits not counted)… */
  timeoutMs: number;
  /** …plus this much for every page the extractor declares… */
  perPageMs: number;
  /** …up to this. */
  maxTimeoutMs: number;
  /** How often resident memory is read from /proc. */
  pollMs?: number;
  /** A process is replaced after this many files … */
  recycleAfterFiles?: number;
  /** … or when it holds more than this once its file is done. */
  recycleAboveBytes?: number;
  /** How long a cancelled file may take to stop before its process is killed. */
  cancelGraceMs?: number;
  startTimeoutMs?: number;
  /** Module paths whose `extractors` the processes add to the shipped ones (tests). */
  extractorModules?: readonly string[];
}

interface Slot {
  process: SandboxProcess;
  busy: boolean;
  /** Set while a file runs: the watchdog kills through it. */
  killFor?: (cause: KillCause) => void;
  peakBytes: number;
}

/**
 * The extraction sandbox: a small pool of long-lived processes that run extractors on
 * untrusted files (OOXML readers, pdf.js, sharp …), one file per process at a time, so that a
 * file which explodes takes down only its own process and becomes a `failed` document whose
 * reason names the budget it broke; the run, the worker and the other files go on.
 *
 * Budgets per file: memory (a hard RLIMIT_DATA cap on the process, and a watchdog that reads its
 * RSS every `pollMs` and kills it above `memoryBytes`), time (`timeoutMs` plus `perPageMs` per
 * declared page, at most `maxTimeoutMs`; the clock stops while the file waits for OCR, which has
 * its own per-page limit), and a shared budget for all processes together: above
 * `totalMemoryBytes` the largest busy one is killed and its file is retried rather than failed.
 * A killed or crashed process is replaced by a fresh one for the next file.
 *
 * The OCR pool stays in the main process: an extractor's OCR requests come back over IPC.
 */
export class ExtractionSandbox implements ExtractionRunner {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<{ resolve(slot: Slot): void; reject(err: unknown): void }> = [];
  private starting = 0;
  private jobs = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly opts: Required<SandboxOptions>;

  constructor(options: SandboxOptions) {
    checkSandboxTools();
    this.opts = {
      pollMs: 100,
      recycleAfterFiles: 200,
      recycleAboveBytes: Math.min(512 * 2 ** 20, options.memoryBytes / 2),
      cancelGraceMs: 2000,
      startTimeoutMs: 60_000,
      extractorModules: [],
      ...options,
    };
  }

  /** Processes running now (busy or idle). */
  get size(): number {
    return this.slots.length;
  }

  get processIds(): number[] {
    return this.slots.flatMap((s) => (s.process.pid === undefined ? [] : [s.process.pid]));
  }

  async run(extractor: Extractor, input: ExtractInput, ctx: ExtractContext): Promise<Extraction> {
    if (extractor.inProcess) return extractor.extract(input, ctx);
    const started = performance.now();
    const slot = await this.acquire(ctx.signal);
    try {
      const { extraction, childMs } = await this.runOn(slot, extractor, input, ctx);
      return { ...extraction, isolationMs: Math.max(0, performance.now() - started - childMs) };
    } finally {
      this.release(slot);
    }
  }

  /** Kills every process; files still running fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new Error('extraction sandbox is closed'));
    const exits = this.slots.map((s) => s.process.exited);
    for (const s of this.slots) s.process.kill();
    clearInterval(this.watchdog);
    await Promise.all(exits);
  }

  private runOn(slot: Slot, extractor: Extractor, input: ExtractInput, ctx: ExtractContext): Promise<{ extraction: Extraction; childMs: number }> {
    const { process: child } = slot;
    const job = ++this.jobs;
    child.files++;
    slot.peakBytes = 0;
    return new Promise((resolve, reject) => {
      let killedFor: KillCause | undefined;
      let finished = false;
      let pages = 0;
      let ocrWaits = 0;
      // The time budget, a clock that stops while the extractor waits for OCR.
      let spentMs = 0;
      let runningSince: number | undefined;
      let timer: NodeJS.Timeout | undefined;
      const budgetMs = () => Math.min(this.opts.maxTimeoutMs, this.opts.timeoutMs + pages * this.opts.perPageMs);
      const clockOn = () => {
        runningSince = performance.now();
        clearTimeout(timer);
        timer = setTimeout(() => killFor('time'), Math.max(0, budgetMs() - spentMs));
      };
      const clockOff = () => {
        if (runningSince !== undefined) spentMs += performance.now() - runningSince;
        runningSince = undefined;
        clearTimeout(timer);
      };

      const killFor = (cause: KillCause) => {
        if (finished || killedFor) return;
        killedFor = cause;
        log.warn({ path: input.path, extractor: extractor.name, cause, rss: slot.peakBytes, child: child.pid }, 'extraction process killed');
        child.kill();
      };
      slot.killFor = killFor;

      const finish = (outcome: { extraction: Extraction; childMs: number } | Error) => {
        if (finished) return;
        finished = true;
        clockOff();
        clearTimeout(cancelTimer);
        slot.killFor = undefined;
        child.proc.off('message', onMessage);
        ctx.signal?.removeEventListener('abort', onAbort);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };

      const onMessage = (m: FromChild) => {
        if (!('job' in m) || m.job !== job || finished) return;
        switch (m.type) {
          case 'pages':
            pages = Math.max(pages, m.pages);
            if (runningSince !== undefined) {
              clockOff();
              clockOn();
            }
            break;
          case 'ocr':
            if (ocrWaits++ === 0) clockOff();
            ctx.ocr
              .recognize(m.image, { dpi: m.dpi, langs: m.langs, signal: ctx.signal })
              .then(
                (result) => child.send({ type: 'ocr-result', job, request: m.request, result }),
                (err: unknown) => child.send({ type: 'ocr-failed', job, request: m.request, error: toWire(err) }),
              )
              .finally(() => {
                if (--ocrWaits === 0 && !finished) clockOn();
              });
            break;
          case 'done':
            finish({ extraction: m.extraction, childMs: m.ms });
            break;
          case 'failed': {
            const err = fromWire(m.error);
            if (ctx.signal?.aborted) return finish(asError(ctx.signal.reason));
            if (!m.error.budget && ALLOCATION_FAILURE.test(m.error.message)) {
              // A caught allocation failure: the process's heap may be half-broken; it is replaced.
              child.kill();
              return finish(overMemory(this.opts, m.error.message.split('\n')[0]));
            }
            finish(err);
            break;
          }
        }
      };
      child.proc.on('message', onMessage);

      void child.exited.then((exit) => {
        if (finished) return;
        if (killedFor === 'cancel' || (ctx.signal?.aborted && !killedFor)) return finish(asError(ctx.signal?.reason ?? new Error('cancelled')));
        finish(verdictOnExit(exit, killedFor, { budgets: this.opts, peakBytes: slot.peakBytes, output: child.outputTail, timeBudgetMs: budgetMs() }));
      });

      // Cancelled from outside (a drain, the worker's file timeout): asked to stop, killed if it does not.
      let cancelTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        child.send({ type: 'cancel', job });
        cancelTimer = setTimeout(() => killFor('cancel'), this.opts.cancelGraceMs);
      };
      if (ctx.signal?.aborted) return finish(asError(ctx.signal.reason));
      ctx.signal?.addEventListener('abort', onAbort, { once: true });

      child.send({ type: 'extract', job, extractor: extractor.name, input, limits: ctx.limits });
      clockOn();
      this.watch();
    });
  }

  private async acquire(signal?: AbortSignal): Promise<Slot> {
    if (this.closed) throw new Error('extraction sandbox is closed');
    signal?.throwIfAborted();
    const idle = this.slots.find((s) => !s.busy && s.process.alive);
    if (idle) {
      idle.busy = true;
      idle.process.hold(true);
      return idle;
    }
    if (this.slots.length + this.starting < this.opts.processes) {
      this.starting++;
      try {
        const started = performance.now();
        const process = await SandboxProcess.start({
          memoryBytes: this.opts.memoryBytes,
          extractorModules: this.opts.extractorModules,
          startTimeoutMs: this.opts.startTimeoutMs,
          output: (line) => forward(line),
        });
        log.debug({ child: process.pid, ms: Math.round(performance.now() - started) }, 'extraction process started');
        const slot: Slot = { process, busy: true, peakBytes: 0 };
        this.slots.push(slot);
        void process.exited.then(() => this.forget(slot));
        if (this.closed) process.kill();
        return slot;
      } finally {
        this.starting--;
      }
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (slot: Slot) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(slot);
        },
        reject,
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(slot: Slot): void {
    const p = slot.process;
    if (p.alive && (p.files >= this.opts.recycleAfterFiles || p.rssBytes() > this.opts.recycleAboveBytes)) {
      log.debug({ child: p.pid, files: p.files, rss: p.rssBytes() }, 'extraction process recycled');
      p.kill();
    }
    if (!p.alive) {
      this.forget(slot);
      // A replacement is started for whoever waits.
      const next = this.waiting.shift();
      if (next) this.acquire().then(next.resolve, next.reject);
      return;
    }
    const next = this.waiting.shift();
    if (next) next.resolve(slot);
    else {
      slot.busy = false;
      p.hold(false);
      if (!this.slots.some((s) => s.busy)) this.unwatch();
    }
  }

  private forget(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }

  /** Reads every process's RSS while files run: one over its budget, or all together over theirs, is killed. */
  private watch(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => this.poll(), this.opts.pollMs);
  }

  private unwatch(): void {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  private poll(): void {
    let total = 0;
    let largest: { slot: Slot; rss: number } | undefined;
    for (const slot of this.slots) {
      const rss = slot.process.rssBytes();
      total += rss;
      if (!slot.busy || !slot.killFor) continue;
      slot.peakBytes = Math.max(slot.peakBytes, rss);
      if (rss > this.opts.memoryBytes) slot.killFor('memory');
      else if (!largest || rss > largest.rss) largest = { slot, rss };
    }
    // Only a file that holds a good share of a budget is blamed; the service's own memory limit
    // (systemd MemoryMax on the fleet) is the last line behind this one.
    if (total > this.opts.totalMemoryBytes && largest && largest.rss > this.opts.memoryBytes / 2) {
      log.warn({ total: formatBytes(total), budget: formatBytes(this.opts.totalMemoryBytes) }, 'extractions over their shared memory budget');
      largest.slot.killFor?.('shared');
    }
  }
}

/** What the processes write (their JSON logs, a library's warning, a fatal error) joins ours on stderr. */
function forward(line: string): void {
  if (line.trim() === '') return;
  try {
    process.stderr.write(`${line}\n`);
  } catch (err) {
    log.debug({ err: errorMessage(err) }, 'cannot forward extraction process output');
  }
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
