import { OverBudgetError, RetryableError, UnreadableFileError, errorMessage } from '../../core/errors';
import type { ExtractInput, ExtractLimits, Extraction, OcrImage, OcrLang, OcrResult } from '../../core/types';

/**
 * Messages between the extraction sandbox (supervisor, in the main process) and one extraction
 * process, over Node's IPC channel with `serialization: 'advanced'` (structured clone: Buffers
 * and typed arrays cross as such, page images for OCR included).
 *
 * One job at a time per process. A job ends with exactly one `done` or `failed`; before that the
 * process may ask for OCR (the OCR pool stays in the main process) and declare its page count.
 * A format that yields several documents (a zip's members) would add a message here that carries
 * one of them, ahead of `done`.
 */
export type ToChild =
  | { type: 'extract'; job: number; extractor: string; input: ExtractInput; limits: ExtractLimits }
  | { type: 'cancel'; job: number }
  | { type: 'ocr-result'; job: number; request: number; result: OcrResult }
  | { type: 'ocr-failed'; job: number; request: number; error: WireError };

export type FromChild =
  | { type: 'ready' }
  | { type: 'pages'; job: number; pages: number }
  | { type: 'ocr'; job: number; request: number; image: OcrImage; dpi?: number; langs?: OcrLang[] }
  /** `ms`: the extractor's own wall time in the process, OCR waits included. */
  | { type: 'done'; job: number; extraction: Extraction; ms: number }
  | { type: 'failed'; job: number; error: WireError; ms: number };

/** An error as it crosses the process boundary: the classes the pipeline tells apart survive. */
export interface WireError {
  name: string;
  message: string;
  /** UnreadableFileError and OverBudgetError: the reason stored with the document. */
  reason?: string;
  budget?: OverBudgetError['budget'];
  retryable?: boolean;
}

export function toWire(err: unknown): WireError {
  const name = err instanceof Error ? err.name : 'Error';
  const wire: WireError = { name, message: errorMessage(err) };
  if (err instanceof UnreadableFileError) wire.reason = err.reason;
  if (err instanceof OverBudgetError) wire.budget = err.budget;
  if (err instanceof RetryableError) wire.retryable = true;
  return wire;
}

export function fromWire(wire: WireError): Error {
  if (wire.budget !== undefined) return new OverBudgetError(wire.budget, wire.reason ?? wire.message);
  if (wire.reason !== undefined) return new UnreadableFileError(wire.reason);
  if (wire.retryable) return new RetryableError(wire.message);
  const err = new Error(wire.message);
  err.name = wire.name;
  return err;
}
