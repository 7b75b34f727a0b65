import pino from 'pino';

/** Structured JSON logs on stderr, as in @cis/processor: stdout carries command output only. */
export const log = pino(
  {
    name: 'testbed',
    level: process.env.CIS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  pino.destination({ fd: 2, sync: true }),
);
