import type { Command } from 'commander';
import type { SearchHit } from '../../../core/types';
import { positiveInt } from '../options';
import { openSearchTarget, type SearchTargetOptions } from '../search-target';

interface SearchOptions extends SearchTargetOptions {
  limit: number;
  json?: boolean;
}

export const OPENSEARCH_OPTION_HELP = 'query the OpenSearch index the AWS workers fill (CIS_OPENSEARCH_URL, CIS_OPENSEARCH_INDEX, … as the worker reads them) instead of the embedded one';

export function register(program: Command): void {
  program
    .command('search')
    .description('full-text search (Japanese and English) of the embedded index, or of OpenSearch')
    .argument('<query>', 'words to find; all must match')
    .option('--db <file>', 'index database (default: $CIS_DB or .cis/index.db)')
    .option('--opensearch', OPENSEARCH_OPTION_HELP)
    .option('--limit <n>', 'number of hits', positiveInt, 10)
    .option('--json', 'print {"hits": [...]} on stdout')
    .action(async (query: string, opts: SearchOptions) => {
      const target = openSearchTarget(opts);
      try {
        printHits(await target.query((index) => index.search(query, { limit: opts.limit })), opts.json);
      } finally {
        await target.close();
      }
    });
}

export function printHits(hits: SearchHit[], json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ hits: hits.map(({ path, score, snippet }) => ({ path, score, snippet })) })}\n`);
    return;
  }
  if (hits.length === 0) {
    process.stdout.write('no hits\n');
    return;
  }
  hits.forEach((h, i) => process.stdout.write(`${i + 1}. ${h.path}  (score ${h.score})\n   ${h.snippet}\n`));
}
