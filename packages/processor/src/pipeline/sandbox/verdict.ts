import { OverBudgetError, RetryableError } from '../../core/errors';
import { formatBytes } from '../../core/format';
import { type Exit, describeExit } from './sandbox-process';

/** Words in an error or a dying process's output that mean an allocation failed. */
export const ALLOCATION_FAILURE =
  /out of memory|allocation failed|bad_alloc|Invalid (string|array|typed array) length|Cannot allocate|could not allocate|Cannot create a string longer|heap limit|vips_.*out of memory|Unable to grow instance memory|Out of memory/i;

/** Signals a process dies of when an allocation fails (abort from V8 or libc, a segfault in native code). */
const CRASH_SIGNALS = new Set<NodeJS.Signals>(['SIGABRT', 'SIGSEGV', 'SIGBUS']);
const V8_ABORT_CODE = 134;

/** Above this share of the budget, a crash is taken for the memory cap at work. */
const NEAR_BUDGET = 0.7;

/** Why the supervisor killed a process itself. */
export type KillCause = 'time' | 'memory' | 'shared' | 'cancel';

export interface Budgets {
  memoryBytes: number;
  totalMemoryBytes: number;
}

export function overMemory(budgets: Budgets, detail?: string): OverBudgetError {
  return new OverBudgetError('memory', `over the memory budget of ${formatBytes(budgets.memoryBytes)} while extracting${detail ? ` (${detail})` : ''}`);
}

export function overTime(budgetMs: number): OverBudgetError {
  return new OverBudgetError('time', `over the time budget of ${seconds(budgetMs)} while extracting`);
}

/**
 * Not this file's fault alone: all extractions together held more than their shared budget and
 * this one held the most. A retry (later, or on the next run) will likely pass.
 */
export function overShared(budgets: Budgets, heldBytes: number): RetryableError {
  return new RetryableError(
    `over the shared memory budget of ${formatBytes(budgets.totalMemoryBytes)} for all extractions at once (this file held ${formatBytes(heldBytes)}); try again`,
  );
}

/**
 * What a process that ended in the middle of a file means for the file. The process's own exit
 * code says little (an allocation failure under RLIMIT_DATA may end in SIGABRT, SIGSEGV or exit
 * 134): the supervisor's own kill, the memory last seen and the words of its last output decide.
 */
export function verdictOnExit(exit: Exit, killedFor: KillCause | undefined, ctx: { budgets: Budgets; peakBytes: number; output: string; timeBudgetMs: number }): Error {
  if (killedFor === 'time') return overTime(ctx.timeBudgetMs);
  if (killedFor === 'memory') return overMemory(ctx.budgets, `${formatBytes(ctx.peakBytes)} seen`);
  if (killedFor === 'shared') return overShared(ctx.budgets, ctx.peakBytes);
  const nearBudget = ctx.peakBytes > NEAR_BUDGET * ctx.budgets.memoryBytes;
  const crashed = (exit.signal !== null && CRASH_SIGNALS.has(exit.signal)) || exit.code === V8_ABORT_CODE;
  // SIGKILL that the supervisor did not send: the kernel's OOM killer (oom_score_adj 1000 makes these processes its first pick).
  if (exit.signal === 'SIGKILL') return overMemory(ctx.budgets, 'killed by the system, out of memory');
  if ((crashed || exit.code === 70) && (nearBudget || ALLOCATION_FAILURE.test(ctx.output))) return overMemory(ctx.budgets, describeExit(exit));
  // Stopped from outside (an operator, a test harness): nothing is known about the file.
  if (exit.signal !== null && !CRASH_SIGNALS.has(exit.signal)) {
    return new RetryableError(`the extraction process was stopped from outside (${describeExit(exit)})`);
  }
  const last = ctx.output.trim().split('\n').filter(Boolean).slice(-1)[0]?.trim().slice(0, 300);
  return new Error(`the extraction process crashed (${describeExit(exit)})${last ? `: ${last}` : ''}`);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
