import type { Command } from 'commander';
import { openSearchSettings } from '../../../config/worker';
import { UsageError } from '../../../core/errors';
import { IndexMigration, MigrationError, readIndexState, type IndexState, type MigrationResult } from '../../../adapters/opensearch/index-migration';
import { createOpenSearchClient } from '../../../adapters/opensearch/opensearch-client';
import { OpenSearchIndex } from '../../../adapters/opensearch/opensearch-index';
import { positiveInt } from '../options';

interface MigrateOptions {
  check?: boolean;
  force?: boolean;
  marginMinutes: number;
  json?: boolean;
}

/** A progress line at most this often per pass. */
const PROGRESS_EVERY_MS = 5000;

export function register(program: Command): void {
  program
    .command('index-migrate')
    .description(
      'move the OpenSearch index the workers fill to the current mapping: copy into a new index, catch up, swap the alias at once; the old index is kept read-only until you delete it',
    )
    .option('--check', 'only show where the index name points, its mapping version and the kept older indexes')
    .option('--force', 'migrate even when the mapping is current (e.g. to apply a new CIS_OPENSEARCH_SHARDS)')
    .option('--margin-minutes <n>', 'catch-up passes copy what was indexed since the previous pass started, minus this margin (a worker may retry a write for CIS_INDEX_RETRY_S)', positiveInt, 15)
    .option('--json', 'print the result as JSON on stdout')
    .action(async (opts: MigrateOptions) => {
      const os = openSearchSettings();
      const client = createOpenSearchClient({ ...os, requestTimeoutMs: Math.max(os.requestTimeoutMs, 120_000) });
      const index = new OpenSearchIndex(client, { index: os.index, shards: os.shards, replicas: os.replicas, analyzer: os.analyzer, vectorModels: [] });
      try {
        const state = await readIndexState(index).catch((err: unknown) => {
          throw err instanceof MigrationError ? new UsageError(err.message) : err;
        });
        const current = !state.legacy && state.version >= state.currentVersion;
        if (opts.check || (current && !opts.force)) {
          process.stdout.write(opts.json ? `${JSON.stringify({ ...state, migrationNeeded: !current })}\n` : describeState(state, current));
          return;
        }
        const migration = await IndexMigration.plan(index, { catchUpMarginMs: opts.marginMinutes * 60_000, pollMs: 1000 });
        attachProgress(migration);
        const result = await migration.run();
        process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : describeResult(result));
      } finally {
        await client.close();
      }
    });
}

function describeState(s: IndexState, current: boolean): string {
  const where = s.legacy ? `${s.alias} is a concrete index (created before versioned indexes)` : `${s.alias} → ${s.concrete}`;
  const lines = [
    `${where}, mapping version ${s.version} (current ${s.currentVersion})`,
    current ? 'up to date' : 'run "pnpm cis index-migrate" to move it to the current mapping',
  ];
  if (s.others.length > 0) lines.push(`other indexes of this name, not in use: ${s.others.join(', ')} (delete them when you no longer need them)`);
  return `${lines.join('\n')}\n`;
}

function describeResult(r: MigrationResult): string {
  const passes = r.passes.map((p) => `  ${p.pass.padEnd(15)} ${p.total} read, ${p.created} created, ${p.updated} updated, ${p.conflicts} skipped (newer in the new index), ${(p.ms / 1000).toFixed(1)} s`);
  return [
    `${r.alias} → ${r.target} (mapping version ${r.targetVersion}); ${r.documents} documents, ${r.seconds.toFixed(1)} s`,
    ...passes,
    `  deletes during the copy: ${r.staleDeleted} stale copies removed, ${r.rewrittenMeanwhile} rewritten by workers since`,
    `old documents kept read-only in ${r.retired}; delete that index when you no longer need it`,
    '',
  ].join('\n');
}

/** Steps and pass progress on stderr: the work may take hours on a large index. */
function attachProgress(m: IndexMigration): void {
  const say = (line: string) => process.stderr.write(`index-migrate: ${line}\n`);
  const { plan } = m;
  let lastAt = 0;
  m.on('step', ({ step }) => {
    lastAt = 0;
    switch (step) {
      case 'create':
        say(`${plan.alias} (${plan.legacy ? 'concrete index' : `alias of ${plan.source}`}, mapping version ${plan.sourceVersion}) → new index ${plan.target} (version ${plan.targetVersion})`);
        break;
      case 'freeze':
        say(`${plan.source} refuses writes now (workers retry them); last catch-up, then the alias moves`);
        break;
      case 'clone':
        say(`keeping the old documents as ${plan.retired} (a read-only clone of ${plan.source})`);
        break;
      case 'swap':
        say(`${plan.alias} now points to ${plan.target}`);
        break;
      case 'reconcile':
        say(`removing copies of documents deleted from ${plan.source} during the copy`);
        break;
      default:
        say(`${step} …`);
    }
  });
  m.on('progress', (p) => {
    if (p.ms - lastAt < PROGRESS_EVERY_MS) return;
    lastAt = p.ms;
    const pct = p.total > 0 ? ` (${((100 * p.done) / p.total).toFixed(1)}%)` : '';
    say(`  ${p.pass}: ${p.done}/${p.total}${pct}, ${Math.round(p.done / (p.ms / 1000))} documents/s`);
  });
  m.on('pass', (p) => say(`  ${p.pass} done: ${p.total} read, ${p.created} created, ${p.updated} updated, ${p.conflicts} skipped (newer in the new index) (${(p.ms / 1000).toFixed(1)} s)`));
}
