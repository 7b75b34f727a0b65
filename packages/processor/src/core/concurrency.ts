/**
 * Runs `fn` over the items with at most `limit` in flight, pulling the next item as soon
 * as any one finishes: a slow file never holds up the others.
 */
export async function forEachConcurrent<T>(
  items: AsyncIterable<T> | Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : toAsync(items as Iterable<T>);
  let failure: { err: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (!failure) {
      const next = await iterator.next();
      if (next.done) return;
      try {
        await fn(next.value);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, lane));
  if (failure) throw failure.err;
}

async function* toAsync<T>(items: Iterable<T>): AsyncIterator<T> {
  yield* items;
}
