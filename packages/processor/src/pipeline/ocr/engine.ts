import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OEM, createWorker, type Worker } from 'tesseract.js';

export interface EngineSpec {
  /** Tesseract language string: 'jpn', 'eng' or 'jpn+eng'. */
  model: string;
  /** Folder with `<lang>.traineddata.gz` for every language in `model`. */
  langPath: string;
  initTimeoutMs: number;
}

/** The engine did not start in time: its thread may hang, so the hosting thread must go. */
export class EngineStartTimeoutError extends Error {
  override readonly name = 'EngineStartTimeoutError';
}

/** Fully automatic page segmentation, as the tesseract CLI does (the API's default is one block). */
const PSM_AUTO = '3';

/**
 * One tesseract.js worker (in Node it runs the WASM engine in its own thread, nested in the pool
 * thread): terminating it ends that thread and gives its WASM heap back, which is how both
 * recycling and the pool's timeout release memory.
 */
export class Engine {
  pages = 0;

  private constructor(
    readonly model: string,
    private readonly worker: Worker,
  ) {}

  static async start(spec: EngineSpec): Promise<Engine> {
    for (const lang of spec.model.split('+')) {
      const file = join(spec.langPath, `${lang}.traineddata.gz`);
      // Without its file tesseract.js falls back to a CDN and then hangs: never let it try.
      if (!existsSync(file)) throw new Error(`tesseract language file missing: ${file}`);
    }
    let failure: unknown;
    const starting = createWorker(spec.model, OEM.LSTM_ONLY, {
      langPath: spec.langPath,
      gzip: true,
      // The default cache writes an unpacked model into the cwd and prefers it to langPath later.
      cacheMethod: 'none',
      // Without a handler a failed job throws inside tesseract.js's message listener and kills the thread.
      errorHandler: (err: unknown) => {
        failure = err;
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new EngineStartTimeoutError(`tesseract ${spec.model} did not start within ${spec.initTimeoutMs} ms`)),
        spec.initTimeoutMs,
      );
    });
    try {
      const worker = await Promise.race([starting, timeout]);
      // debug_file: tesseract's notes ("Estimating resolution as …") would go to our stderr.
      await worker.setParameters({ tessedit_pageseg_mode: PSM_AUTO as never, debug_file: '/dev/null' });
      return new Engine(spec.model, worker);
    } catch (err) {
      if (err instanceof EngineStartTimeoutError) {
        void starting.then((w) => w.terminate(), () => undefined);
        throw err;
      }
      throw new Error(`tesseract ${spec.model} failed to start: ${String(failure ?? err)}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  async recognize(pgm: Uint8Array, params: Record<string, string> = {}): Promise<{ text: string; confidence: number }> {
    this.pages += 1;
    const { data } = await this.worker.recognize(Buffer.from(pgm.buffer, pgm.byteOffset, pgm.byteLength), params);
    return { text: data.text, confidence: data.confidence };
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
