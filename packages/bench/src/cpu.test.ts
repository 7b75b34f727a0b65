import { runMeasured } from './run';
import { oursCpu } from './cpu';

// A real process whose worker thread burns CPU while its main thread waits: the breakdown must put
// the time on the thread that spent it, and the exact total must cover it. The thread spins until the
// process has used 1.5 s of CPU (not 1.5 s of wall time), so a loaded machine cannot starve the figure.
it('charges CPU to the thread that spent it', async () => {
  const script = `
    const { Worker } = require('node:worker_threads');
    new Worker('while (process.cpuUsage().user < 1.5e6) { const end = Date.now() + 20; while (Date.now() < end); }', { eval: true }).on('exit', () => process.exit(0));
  `;
  const run = await runMeasured(process.execPath, ['-e', script]);
  expect(run.code).toBe(0);
  const cpu = oursCpu(run.pid, run.threads);
  expect(cpu['OCR threads (+ V8/libuv helpers)']).toBeGreaterThan(0.8);
  expect(cpu['main thread'] ?? 0).toBeLessThan(cpu['OCR threads (+ V8/libuv helpers)']!);
  expect(run.cpuSeconds).toBeGreaterThanOrEqual(1);
}, 20_000);
