/**
 * An extraction process (see sandbox.ts): runs one extractor on one file at a time, for the
 * supervisor in the main process, under the memory limit it was started with. OCR is asked of
 * the main process, where the OCR pool lives.
 *
 * Arguments: module paths whose `extractors` export adds extractors to the shipped ones (tests).
 */
import { errorMessage } from '../../core/errors';
import type { ExtractContext, Extractor, OcrImage, OcrRecognizeOptions, OcrResult } from '../../core/types';
import { allExtractors } from '../extract';
import { type FromChild, type ToChild, fromWire, toWire } from './protocol';

const extractors = new Map<string, Extractor>(allExtractors.map((e) => [e.name, e]));
for (const path of process.argv.slice(2)) {
  for (const e of (require(path) as { extractors: Extractor[] }).extractors) extractors.set(e.name, e);
}

interface Running {
  job: number;
  abort: AbortController;
  ocr: Map<number, { resolve(r: OcrResult): void; reject(e: unknown): void }>;
}

let running: Running | undefined;
let requests = 0;

function send(message: FromChild, then?: () => void): void {
  process.send?.(message, undefined, {}, () => then?.());
}

process.on('message', (message: ToChild) => {
  switch (message.type) {
    case 'extract':
      void extract(message);
      break;
    case 'cancel':
      if (running?.job === message.job) running.abort.abort(new Error('extraction cancelled by the supervisor'));
      break;
    case 'ocr-result':
      settleOcr(message.job, message.request, (w) => w.resolve(message.result));
      break;
    case 'ocr-failed':
      settleOcr(message.job, message.request, (w) => w.reject(fromWire(message.error)));
      break;
  }
});

function settleOcr(job: number, request: number, settle: (waiter: { resolve(r: OcrResult): void; reject(e: unknown): void }) => void): void {
  if (running?.job !== job) return;
  const waiter = running.ocr.get(request);
  if (!waiter) return;
  running.ocr.delete(request);
  settle(waiter);
}

async function extract(message: Extract<ToChild, { type: 'extract' }>): Promise<void> {
  const started = performance.now();
  const { job } = message;
  const extractor = extractors.get(message.extractor);
  if (!extractor) {
    send({ type: 'failed', job, error: toWire(new Error(`no extractor named ${message.extractor} in the extraction process`)), ms: 0 });
    return;
  }
  const self: Running = { job, abort: new AbortController(), ocr: new Map() };
  running = self;
  const recognize = (image: OcrImage, opts: OcrRecognizeOptions = {}): Promise<OcrResult> =>
    new Promise((resolve, reject) => {
      opts.signal?.throwIfAborted();
      const request = ++requests;
      self.ocr.set(request, { resolve, reject });
      send({ type: 'ocr', job, request, image, dpi: opts.dpi, langs: opts.langs });
    });
  const ctx: ExtractContext = {
    ocr: { recognize, close: async () => undefined },
    limits: message.limits,
    signal: self.abort.signal,
    declarePages: (pages) => send({ type: 'pages', job, pages }),
  };
  try {
    const extraction = await extractor.extract(message.input, ctx);
    send({ type: 'done', job, extraction, ms: performance.now() - started });
  } catch (err) {
    send({ type: 'failed', job, error: toWire(err), ms: performance.now() - started });
  } finally {
    running = undefined;
    for (const waiter of self.ocr.values()) waiter.reject(new Error('extraction ended'));
  }
}

/**
 * A library may throw where no promise catches it (JSZip's "Invalid string length" inside
 * exceljs is one): the job fails with that error, and the process ends, as its state is no
 * longer trusted. The supervisor starts another.
 */
function fatal(err: unknown): void {
  const job = running?.job;
  const exit = () => process.exit(70);
  if (job === undefined) exit();
  else send({ type: 'failed', job, error: { ...toWire(err), message: `uncaught: ${errorMessage(err)}` }, ms: 0 }, exit);
}
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

// The supervisor is gone (it also kills this process on its own death: setpriv --pdeathsig).
process.on('disconnect', () => process.exit(0));
// Stopping is the supervisor's decision: a SIGTERM to the whole service (systemd stops a unit's
// cgroup that way) or a Ctrl-C to the terminal's process group must not fail the file in progress
// while the supervisor drains; it ends this process itself.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => undefined);

send({ type: 'ready' });
