/**
 * An AWS SDK error as one line an operator can act on. Emulators and proxies sometimes answer an
 * API they do not implement with an HTML page: the SDK then throws a SyntaxError (it could not
 * parse the body) carrying the HTTP status; that is said plainly instead.
 */
export function describeError(err: unknown): string {
  const e = err as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  if (e?.name === 'SyntaxError' || /Deserialization error/i.test(e?.message ?? '')) {
    return `the service answered something that is not an AWS response${status ? ` (HTTP ${status})` : ''}: is the API available at this endpoint?`;
  }
  if (e?.name === 'CredentialsProviderError') return `no AWS credentials: ${e.message ?? ''}`.trim();
  const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
  const message = e?.message || e?.code || String(err);
  return `${name}${message}${status ? ` (HTTP ${status})` : ''}`;
}

/** The error's AWS name, for checks that expect some errors (NoSuchEntity, ParameterNotFound, …). */
export function errorName(err: unknown): string {
  return (err as { name?: string })?.name ?? '';
}

export function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}
