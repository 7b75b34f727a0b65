/**
 * The fleet's target-tracking numbers and its rule, shared by infra (the stack's scaling policy),
 * the capacity simulator (`cis simulate`) and the fleet rehearsal (`pnpm rehearse:fleet`), so
 * what is predicted and what is rehearsed is what is deployed.
 */
export const SCALING_DEFAULTS = {
  /** Target of the backlog-per-instance policy: visible messages ÷ in-service instances. */
  backlogPerInstance: 100,
  /** New instances count towards the metric after this long (target tracking has no scale-out cooldown). */
  instanceWarmupSeconds: 60,
} as const;

/**
 * What target tracking on visible ÷ in-service converges to: ⌈in-service × (visible ÷ in-service)
 * ÷ target⌉ = ⌈visible ÷ target⌉ (the in-service count cancels out), clamped to [min, max].
 */
export function desiredCapacity(visible: number, targetBacklogPerInstance: number, minInstances: number, maxInstances: number): number {
  const raw = Math.ceil(visible / targetBacklogPerInstance - 1e-9);
  return Math.min(maxInstances, Math.max(minInstances, raw));
}
