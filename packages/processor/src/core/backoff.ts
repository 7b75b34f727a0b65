import { setTimeout as delay } from 'node:timers/promises';

/**
 * "Full jitter" exponential backoff: a random wait in [0, min(cap, base·2^attempt)].
 * Thousands of workers retrying the same throttled service must not retry in step.
 */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/** Waits `ms`; rejects with the signal's reason when aborted. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, signal ? { signal } : undefined);
}
