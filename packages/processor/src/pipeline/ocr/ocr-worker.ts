/**
 * One OCR thread of the pool (piscina). It preprocesses the image, picks the language model and
 * runs tesseract.js, one engine per language. The first model starts with the thread, another
 * one when a page first needs it; engines are replaced (in the background, after the page that
 * wore them out) every `recycleAfterPages` pages, because the WASM heap only ever grows. The
 * pool's time limit starts when the thread says it is reading: starting the page's first engine
 * and preparing the image have their own limit (a second engine started mid-page counts as reading).
 */
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import type { OcrLang } from '../../core/types';
import { normalizeText } from '../../core/normalize-text';
import { Engine, EngineStartTimeoutError } from './engine';
import { BadImageError, toGreyPage, toPgm, type GreyPage } from './preprocess';
import type { OcrPass, OcrTask, OcrTaskResult, OcrWorkerConfig } from './protocol';
import { cjkRatio, nonSpaceLength, probeStrip } from './script';
import { mayHoldPrint } from './text-likeness';

const config = workerData as OcrWorkerConfig;
const engines = new Map<string, Promise<Engine>>();
let enginesStarted = 0;

/** Smaller images carry no readable text, and tesseract refuses to scale them. */
const MIN_SIDE = 8;
/** A probe that read fewer characters than this cannot tell the script. */
const MIN_PROBE_CHARS = 12;
// Two lines, 3.5 inches each, read as one block. Four lines cost 11-20% of a page's OCR time; on the
// 21 scan pages of the bench corpus two lines took 36% less probe time (1.85 s against 2.88 s in
// all) and picked the right language on every page, as four did (one line: 1.26 s, also right, but
// a short first line would leave too few characters and cost a whole extra pass).
const PROBE = { lines: 2, minInkShare: 0.01, maxInches: 3.5 };
const PROBE_PARAMS = { tessedit_pageseg_mode: '6' };
/** Below this mean word confidence a page read with the eng hint is read again the usual way. */
const MIN_HINTED_ENG_CONFIDENCE = 60;

// Only the model most pages start with is loaded up front; another one (about 70 MB for eng, 150 MB
// for jpn) is loaded the first time a page needs it, so a thread that only meets one language
// never holds the other.
void engineFor(config.models[0]!).catch(() => undefined);

interface TaskState {
  passes: OcrPass[];
  used: Set<string>;
}

export default async function ocrTask(task: OcrTask & { reading: MessagePort }): Promise<OcrTaskResult> {
  const t0 = performance.now();
  try {
    let page: GreyPage;
    try {
      page = await toGreyPage(task.image, task.dpi, config);
    } catch (err) {
      if (err instanceof BadImageError) return { ok: false, reason: err.message };
      throw err;
    }
    const preprocessMs = performance.now() - t0;
    const base = { preprocessMs, width: page.width, height: page.height };
    const empty = { ok: true as const, text: '', confidence: 0, lang: task.langs[0]!, ...base, passes: [], enginesStarted: 0, enginesRecycled: 0 };
    if (page.width < MIN_SIDE || page.height < MIN_SIDE) return { ...empty, ms: preprocessMs };
    // A photo, a logo, a blank back page: tesseract would spend a second or two to read nothing.
    if (config.skipPagesWithoutPrint && !mayHoldPrint(page)) {
      return { ...empty, ms: performance.now() - t0, skippedNoPrint: true };
    }
    await engineFor(firstModel(task.langs, task.langHint));
    task.reading.postMessage('reading');
    // Waiting for engines to start is not time spent on this page.
    const readStart = performance.now();
    const state: TaskState = { passes: [], used: new Set() };
    const best = await readPage(page, task.langs, state, task.langHint);
    const ms = preprocessMs + (performance.now() - readStart);
    const recycled = await retireWornEngines(state.used);
    const started = enginesStarted;
    enginesStarted = 0;
    return {
      ok: true,
      text: normalizeText(best.text),
      confidence: best.confidence,
      lang: best.lang,
      ms,
      ...base,
      passes: state.passes,
      enginesStarted: started,
      enginesRecycled: recycled,
    };
  } catch (err) {
    if (err instanceof EngineStartTimeoutError) {
      // The hung engine thread cannot be reached: end this whole thread (and so the nested one)
      // once the error has been posted; piscina starts a fresh thread in its place.
      setTimeout(() => process.exit(1), 100).unref();
    }
    throw err;
  } finally {
    task.reading.close();
  }
}

interface Reading {
  text: string;
  confidence: number;
  lang: OcrLang;
  cjk: number;
}

async function readPage(page: GreyPage, langs: OcrLang[], state: TaskState, hint?: OcrLang): Promise<Reading> {
  const wantJpn = langs.includes('jpn');
  const wantEng = langs.includes('eng');
  if (!wantJpn || !wantEng) return read(page, wantJpn ? 'jpn' : 'eng', state);
  // The document's earlier pages said which language: no probe. A page in the other language
  // still comes out right: jpn text with too little CJK is read again with eng, and an eng
  // reading tesseract is unsure of goes through the usual probe.
  if (hint === 'jpn' && config.strategy !== 'combined') return jpnThenEng(page, state);
  if (hint === 'eng' && config.strategy !== 'combined') {
    const eng = await read(page, 'eng', state);
    if (eng.confidence >= MIN_HINTED_ENG_CONFIDENCE) return eng;
  }
  switch (config.strategy) {
    case 'combined': {
      const r = await read(page, 'jpn+eng', state);
      return { ...r, lang: r.cjk >= config.minCjkRatio ? 'jpn' : 'eng' };
    }
    case 'jpn-first':
      return jpnThenEng(page, state);
    case 'probe': {
      const strip = probeStrip(page, PROBE);
      if (!strip) return jpnThenEng(page, state);
      const probe = await read(strip, 'jpn', state, PROBE_PARAMS);
      if (nonSpaceLength(probe.text) < MIN_PROBE_CHARS) return jpnThenEng(page, state);
      return read(page, probe.cjk >= config.minCjkRatio ? 'jpn' : 'eng', state);
    }
  }
}

/** The model readPage runs first for these languages. */
function firstModel(langs: OcrLang[], hint?: OcrLang): string {
  const both = langs.includes('jpn') && langs.includes('eng');
  if (!both) return langs.includes('jpn') ? 'jpn' : 'eng';
  if (config.strategy === 'combined') return 'jpn+eng';
  return hint === 'eng' ? 'eng' : 'jpn';
}

async function jpnThenEng(page: GreyPage, state: TaskState): Promise<Reading> {
  const jpn = await read(page, 'jpn', state);
  if (jpn.cjk >= config.minCjkRatio || nonSpaceLength(jpn.text) === 0) return jpn;
  return read(page, 'eng', state);
}

async function read(page: GreyPage, model: string, state: TaskState, extraParams?: Record<string, string>): Promise<Reading> {
  const engine = await engineFor(model);
  state.used.add(model);
  const t0 = performance.now();
  const params: Record<string, string> = { ...(page.dpi ? { user_defined_dpi: String(page.dpi) } : {}), ...extraParams };
  let result: { text: string; confidence: number };
  try {
    result = await engine.recognize(toPgm(page), params);
  } catch (err) {
    throw new Error(`tesseract ${model} failed on a ${page.width}x${page.height} image: ${String(err)}`, { cause: err });
  }
  const cjk = cjkRatio(result.text);
  state.passes.push({ model, ms: performance.now() - t0, confidence: result.confidence, cjkRatio: cjk, probe: extraParams === PROBE_PARAMS });
  const lang: OcrLang = model === 'eng' ? 'eng' : 'jpn';
  return { ...result, lang, cjk };
}

function engineFor(model: string): Promise<Engine> {
  const existing = engines.get(model);
  if (existing) return existing;
  const langPath = model.includes('+') ? config.combinedLangPath : config.langPaths[model as OcrLang];
  if (!langPath) return Promise.reject(new Error(`no language data configured for ${model}`));
  const engine = Engine.start({ model, langPath, initTimeoutMs: config.initTimeoutMs });
  engines.set(model, engine);
  enginesStarted += 1;
  // A failed start must not stick: the next task tries again.
  engine.catch(() => {
    if (engines.get(model) === engine) engines.delete(model);
  });
  return engine;
}

/** Retires engines that have read their share, and starts their successors while the thread is idle. */
async function retireWornEngines(used: Set<string>): Promise<number> {
  let retired = 0;
  for (const model of used) {
    const engine = await engines.get(model);
    if (engine && engine.pages >= config.recycleAfterPages) {
      engines.delete(model);
      await engine.stop();
      retired += 1;
      if (config.models.includes(model)) void engineFor(model).catch(() => undefined);
    }
  }
  return retired;
}
