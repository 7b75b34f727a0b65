import pino from 'pino';
import { WORKER_DEFAULTS, WORKER_ENV } from '../contract';

/**
 * Structured JSON logs on stderr: stdout is reserved for command output (`--json` results),
 * so scripts can parse one while humans or log shippers read the other.
 */
export const log = pino(
  {
    level: process.env[WORKER_ENV.logLevel] ?? process.env.LOG_LEVEL ?? WORKER_DEFAULTS.logLevel,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  pino.destination({ fd: 2, sync: false }),
);

export type Logger = typeof log;
