import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { UsageError } from '../../core/errors';
import type { SearchHit } from '../../core/types';
import { SqliteIndex } from '../../index/sqlite-index';
import { positiveInt } from '../options';
import { dbPath } from '../paths';

interface SearchOptions {
  db?: string;
  limit: number;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('search')
    .description('full-text search of the embedded index (Japanese and English)')
    .argument('<query>', 'words to find; all must match')
    .option('--db <file>', 'index database (default: $CIS_DB or .cis/index.db)')
    .option('--limit <n>', 'number of hits', positiveInt, 10)
    .option('--json', 'print {"hits": [...]} on stdout')
    .action(async (query: string, opts: SearchOptions) => {
      const index = openExistingIndex(opts.db);
      try {
        printHits(await index.search(query, { limit: opts.limit }), opts.json);
      } finally {
        await index.close();
      }
    });
}

export function openExistingIndex(dbOption: string | undefined): SqliteIndex {
  const db = dbPath(dbOption);
  if (!existsSync(db)) throw new UsageError(`no index at ${db}: run "cis index <dir>" first, or pass --db`);
  return new SqliteIndex(db);
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
