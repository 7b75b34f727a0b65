import { Command, Option } from 'commander';
import { openSearchSettings } from '../../../config/worker';
import { createOpenSearchClient } from '../../../adapters/opensearch/opensearch-client';
import { applyIndexSettings, INITIAL_LOAD, normalSettings, readIndexSettings } from '../../../adapters/opensearch/opensearch-settings';

interface IndexSettingsOptions {
  restore?: boolean;
  initialLoad?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('index-settings')
    .description('show or switch the OpenSearch index between initial-load settings (refresh 30 s, 0 replicas) and normal ones')
    .addOption(new Option('--initial-load', 'refresh every 30 s, no replicas (what CIS_INITIAL_LOAD=true sets)').conflicts('restore'))
    .option('--restore', 'back to normal: default refresh (1 s) and CIS_OPENSEARCH_REPLICAS replicas (default 1)')
    .option('--json', 'print the resulting settings as JSON on stdout')
    .action(async (opts: IndexSettingsOptions) => {
      const os = openSearchSettings();
      const client = createOpenSearchClient(os);
      try {
        if (opts.initialLoad) await applyIndexSettings(client, os.index, INITIAL_LOAD);
        if (opts.restore) await applyIndexSettings(client, os.index, normalSettings(os.replicas));
        const now = await readIndexSettings(client, os.index);
        const out = { index: os.index, refreshInterval: now.refreshInterval ?? '1s (default)', replicas: now.replicas };
        process.stdout.write(opts.json ? `${JSON.stringify(out)}\n` : `${out.index}: refresh_interval ${out.refreshInterval}, replicas ${out.replicas}\n`);
      } finally {
        await client.close();
      }
    });
}
