import type { IndexedState } from '../../core/types';

export interface StateSource {
  getState(ids: string[]): Promise<Map<string, IndexedState>>;
}

/**
 * Looks up what the index holds for a document, combining the lookups of one received batch
 * (made in the same tick) into a single multi-get.
 */
export class StateLookup {
  private pending = new Map<string, Array<{ resolve(s: IndexedState | undefined): void; reject(e: unknown): void }>>();
  private scheduled = false;

  constructor(private readonly index: StateSource) {}

  get(id: string): Promise<IndexedState | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(id) ?? [];
      waiters.push({ resolve, reject });
      this.pending.set(id, waiters);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.run());
      }
    });
  }

  private async run(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    try {
      const states = await this.index.getState([...batch.keys()]);
      for (const [id, waiters] of batch) for (const w of waiters) w.resolve(states.get(id));
    } catch (err) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
    }
  }
}
