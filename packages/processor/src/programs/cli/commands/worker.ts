import type { Command } from 'commander';
import { workerSettings } from '../../../config/worker';
import { log } from '../../../core/log';
import { startWorker } from '../../worker/run';

export function register(program: Command): void {
  program
    .command('worker')
    .description('AWS mode: process file messages from SQS (S3 → extract/OCR → Bedrock → OpenSearch) until SIGTERM or a Spot notice')
    .addHelpText('after', '\nConfigured by environment variables (CIS_QUEUE_URL, CIS_BUCKET, CIS_OPENSEARCH_URL, …): see packages/processor/docs/worker.md')
    .action(async () => {
      const settings = workerSettings();
      const { done } = await startWorker(settings, log);
      await done;
    });
}
