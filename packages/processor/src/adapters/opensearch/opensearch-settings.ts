import type { Client } from '@opensearch-project/opensearch';

export interface IndexRuntimeSettings {
  refreshInterval: string | null;
  replicas: number;
}

/**
 * Initial load (millions of documents in a few days): refresh every 30 s instead of every second
 * and no replicas, which roughly halves indexing work; `cis index-settings --restore` puts the
 * normal values back (replicas copy the shards then; refresh returns to the 1 s default).
 */
export const INITIAL_LOAD: IndexRuntimeSettings = { refreshInterval: '30s', replicas: 0 };

export function normalSettings(replicas: number): IndexRuntimeSettings {
  return { refreshInterval: null, replicas };
}

/** `index` may be the alias: the response is keyed by the concrete index behind it. */
export async function readIndexSettings(client: Client, index: string): Promise<IndexRuntimeSettings> {
  const res = await client.indices.getSettings({ index, flat_settings: true, include_defaults: false });
  const s = Object.values(res.body as Record<string, { settings: Record<string, string> }>)[0]?.settings ?? {};
  return { refreshInterval: s['index.refresh_interval'] ?? null, replicas: Number(s['index.number_of_replicas'] ?? 1) };
}

/** Writes only what differs, so a fleet starting at once does not queue identical cluster-state updates. */
export async function applyIndexSettings(client: Client, index: string, wanted: IndexRuntimeSettings): Promise<boolean> {
  const current = await readIndexSettings(client, index);
  if (current.refreshInterval === wanted.refreshInterval && current.replicas === wanted.replicas) return false;
  await client.indices.putSettings({
    index,
    body: { index: { refresh_interval: wanted.refreshInterval, number_of_replicas: wanted.replicas } } as never,
  });
  return true;
}
