import { existsSync } from 'node:fs';
import { bedrockSettings, openSearchSettings } from '../../config/worker';
import { UsageError } from '../../core/errors';
import type { ImageEmbedder, SearchIndex } from '../../core/types';
import { BedrockImageEmbedder, createBedrockClient } from '../../adapters/bedrock/bedrock-embedder';
import { localImageEmbedder } from '../../pipeline/embed/local-image';
import { createOpenSearchClient } from '../../adapters/opensearch/opensearch-client';
import { OpenSearchIndex, statusOf } from '../../adapters/opensearch/opensearch-index';
import { SqliteIndex } from '../../adapters/sqlite/sqlite-index';
import { dbPath } from './paths';

export interface SearchTargetOptions {
  db?: string;
  /** Query the OpenSearch index the AWS workers fill instead of the embedded one. */
  opensearch?: boolean;
}

/**
 * The index a query goes to, and the image embedder whose vectors it holds: the embedded
 * SQLite index with the local descriptor, or OpenSearch (settings from the environment, as the
 * worker reads them) with Bedrock Titan. Queries never write: nothing here creates an index.
 */
export interface SearchTarget {
  imageEmbedder(): ImageEmbedder;
  /** Runs a query, turning "no such index" into a usage error that says where it looked. */
  query<T>(run: (index: SearchIndex) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function openSearchTarget(opts: SearchTargetOptions): SearchTarget {
  if (opts.opensearch && opts.db !== undefined) throw new UsageError('--db and --opensearch name two different indexes: pass one');
  return opts.opensearch ? openSearchService() : embedded(opts.db);
}

function embedded(dbOption: string | undefined): SearchTarget {
  const db = dbPath(dbOption);
  if (!existsSync(db)) throw new UsageError(`no index at ${db}: run "cis index <dir>" first, or pass --db`);
  const index = new SqliteIndex(db);
  return { imageEmbedder: () => localImageEmbedder, query: (run) => run(index), close: () => index.close() };
}

function openSearchService(): SearchTarget {
  const settings = openSearchSettings();
  const client = createOpenSearchClient(settings);
  // Vector fields are looked up by model at query time; a reader declares none.
  const index = new OpenSearchIndex(client, { index: settings.index, shards: settings.shards, replicas: settings.replicas, analyzer: settings.analyzer, vectorModels: [] });
  let embedder: BedrockImageEmbedder | undefined;
  return {
    imageEmbedder: () => {
      if (embedder) return embedder;
      const bedrock = bedrockSettings();
      return (embedder = new BedrockImageEmbedder(createBedrockClient({ region: bedrock.region, concurrency: 1 }), bedrock));
    },
    query: async <T>(run: (index: SearchIndex) => Promise<T>): Promise<T> => {
      try {
        return await run(index);
      } catch (err) {
        if (statusOf(err) === 404) throw new UsageError(`no index ${settings.index} at ${settings.endpoint}: the workers create it on start (CIS_OPENSEARCH_INDEX names another)`);
        throw err;
      }
    },
    close: async () => {
      embedder?.close();
      await index.close();
    },
  };
}
