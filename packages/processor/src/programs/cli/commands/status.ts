import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { WORKER_ENV } from '../../../contract';
import { parseSettings } from '../../../config/parse';
import { openSearchSettings } from '../../../config/worker';
import { errorMessage } from '../../../core/errors';
import { createOpenSearchClient } from '../../../adapters/opensearch/opensearch-client';
import { deadLetterQueueUrl } from '../../../adapters/sqs/dlq';
import { loadStatus, renderStatus, type CountSamples, type StatusSources } from '../../status/load-status';
import { positiveInt } from '../options';

interface StatusOptions {
  json?: boolean;
  watch?: boolean;
  interval: number;
  window: number;
  times?: number;
}

const env = z.object({
  [WORKER_ENV.queueUrl]: z.url().optional(),
  [WORKER_ENV.dlqUrl]: z.url().optional(),
  [WORKER_ENV.opensearchUrl]: z.url().optional(),
  [WORKER_ENV.autoScalingGroupName]: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
  [WORKER_ENV.region]: z.string().optional(),
});

/** ANSI: cursor home and clear the screen, so --watch redraws in place. */
const CLEAR = '\x1b[H\x1b[2J';

export function register(program: Command): void {
  program
    .command('status')
    .description('the running load at a glance: queue, DLQ, documents and rate, ETA, the group (on demand / spot), cost so far and projected')
    .option('--json', 'print the status as JSON on stdout (one line per refresh with --watch)')
    .option('--watch', 'refresh in place until Ctrl-C; the rate is then the change of the document count over the window')
    .option('--interval <seconds>', 'seconds between refreshes with --watch', positiveInt, 10)
    .option('--window <minutes>', 'rate over the last this many minutes', positiveInt, 5)
    .option('--times <n>', 'with --watch: stop after this many refreshes', positiveInt)
    .action(async (opts: StatusOptions) => {
      const e = parseSettings(env, process.env, 'status settings');
      const region = e[WORKER_ENV.region];
      const sqs = e[WORKER_ENV.queueUrl] ? new SQSClient({ region }) : undefined;
      const os = e[WORKER_ENV.opensearchUrl] ? openSearchSettings() : undefined;
      const opensearch = os ? createOpenSearchClient(os) : undefined;
      const groupName = e[WORKER_ENV.autoScalingGroupName];
      const autoScaling = groupName ? new AutoScalingClient({ region }) : undefined;
      const queueUrl = e[WORKER_ENV.queueUrl];
      try {
        const dlqUrl = e[WORKER_ENV.dlqUrl] ?? (sqs && queueUrl ? await deadLetterQueueUrl(sqs, queueUrl).catch(() => undefined) : undefined);
        const sources: StatusSources = { sqs, queueUrl, dlqUrl, opensearch, index: os?.index, autoScaling, groupName, windowMinutes: opts.window };
        if (!opts.watch) {
          const s = await loadStatus(sources);
          process.stdout.write(opts.json ? `${JSON.stringify(s)}\n` : renderStatus(s));
          return;
        }
        const samples: CountSamples = [];
        let stop = false;
        const onSigint = () => (stop = true);
        process.once('SIGINT', onSigint);
        try {
          for (let i = 0; !stop && (opts.times === undefined || i < opts.times); i++) {
            if (i > 0) await sleep(opts.interval * 1000);
            const s = await loadStatus(sources, samples);
            process.stdout.write(opts.json ? `${JSON.stringify(s)}\n` : `${CLEAR}${renderStatus(s)}  (every ${opts.interval} s; Ctrl-C to stop)\n`);
          }
        } finally {
          process.off('SIGINT', onSigint);
        }
      } finally {
        sqs?.destroy();
        autoScaling?.destroy();
        await opensearch?.close().catch((err: unknown) => process.stderr.write(`closing OpenSearch: ${errorMessage(err)}\n`));
      }
    });
}
