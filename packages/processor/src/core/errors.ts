/**
 * The file itself cannot be read: corrupt, encrypted, empty, over a size or pixel cap.
 * This is a result, not a failure: the file is stored by its metadata with `reason`,
 * and retrying would give the same answer.
 */
export class UnreadableFileError extends Error {
  override readonly name: string = 'UnreadableFileError';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/**
 * The file broke a budget that bounds what one file may cost: memory or time while it was
 * parsed, or a cheap check before parsing (zip parts, XML elements, pixels). A property of
 * the file, so a result like any unreadable file; `reason` names the budget, e.g. "over the
 * memory budget of 1.25 GiB while extracting".
 */
export class OverBudgetError extends UnreadableFileError {
  override readonly name = 'OverBudgetError';
  constructor(
    readonly budget: 'memory' | 'time' | 'zip' | 'xml' | 'pixels',
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/** A failure a retry might fix (network, throttling, an overloaded index). */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A configuration setting is missing or invalid; the message names the setting. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** A command line that cannot be carried out as written (bad path, bad number, …). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
