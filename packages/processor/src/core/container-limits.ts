import { WORKER_DEFAULTS } from '../contract';
import type { ContainerLimits } from './types';

/** The container limits where no settings were given (tests, tools): the documented defaults. */
export const CONTAINER_DEFAULTS: ContainerLimits = {
  maxDepth: WORKER_DEFAULTS.containerMaxDepth,
  maxMembers: WORKER_DEFAULTS.containerMaxMembers,
  maxBytes: WORKER_DEFAULTS.containerMaxMb * 1024 * 1024,
  maxRatio: WORKER_DEFAULTS.containerMaxRatio,
};
