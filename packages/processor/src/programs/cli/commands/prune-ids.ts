import type { Command } from 'commander';
import { openSearchSettings } from '../../../config/worker';
import { fileId } from '../../../core/ids';
import { createOpenSearchClient } from '../../../adapters/opensearch/opensearch-client';
import { OpenSearchIndex } from '../../../adapters/opensearch/opensearch-index';
import { deleteOp, encodeOp } from '../../../adapters/opensearch/opensearch-bulk';

interface PruneOptions {
  dryRun?: boolean;
  json?: boolean;
}

/** Deletes go out in requests of this many. */
const BATCH = 500;

/**
 * Migration to exact ids: earlier versions hashed a normalised key (NFC, `\` as `/`), so an
 * object whose key was not already in that form is stored under an id that is not `fileId` of
 * its key, and a new delivery stores it a second time under its exact id. This finds those
 * documents (the `_id` is not `fileId` of the document's own key), deletes them, and lists their
 * keys: send them again (`cis scan --full`, or a message each) to have them stored under their ids.
 */
export function register(program: Command): void {
  program
    .command('prune-ids')
    .description('delete documents stored under ids of earlier versions (normalised keys) and list their keys, to be sent again')
    .option('--dry-run', 'list them, delete nothing')
    .option('--json', 'print {"stale": [{"id", "key"}], "deleted"} on stdout')
    .action(async (opts: PruneOptions) => {
      const os = openSearchSettings();
      const client = createOpenSearchClient(os);
      const index = new OpenSearchIndex(client, { index: os.index, shards: os.shards, replicas: os.replicas, analyzer: 'cjk', vectorModels: [] });
      try {
        const stale: Array<{ id: string; key: string }> = [];
        for await (const doc of index.documentKeys()) if (doc.key && doc.id !== fileId(doc.key)) stale.push(doc);
        let deleted = 0;
        if (!opts.dryRun) {
          for (let i = 0; i < stale.length; i += BATCH) {
            const ops = stale.slice(i, i + BATCH).map((d) => deleteOp(index.name, d.id));
            const results = await index.bulk(ops, ops.map(encodeOp));
            const failed = results.find((r) => !r.ok);
            if (failed) throw new Error(`deleting ${failed.id} failed: ${failed.error}`);
            deleted += results.length;
          }
        }
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ stale, deleted })}\n`);
          return;
        }
        for (const d of stale) process.stdout.write(`${d.key}\n`);
        process.stdout.write(`${stale.length} document(s) under ids of earlier versions; ${opts.dryRun ? 'none deleted (dry run)' : `${deleted} deleted`}\n`);
      } finally {
        await client.close();
      }
    });
}
