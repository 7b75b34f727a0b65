import { SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { z } from 'zod';
import { openSearchSettings } from '../../../config/worker';
import { parseSettings } from '../../../config/parse';
import { UsageError } from '../../../core/errors';
import { createOpenSearchClient } from '../../../adapters/opensearch/opensearch-client';
import { failureId, OpenSearchFailureStore, type FailureRecord } from '../../../adapters/opensearch/opensearch-status';
import { deadLetterQueueUrl, peekMessages } from '../../../adapters/sqs/dlq';
import { keyOf } from '../../worker/failure-recorder';
import { positiveInt } from '../options';

interface FailuresOptions {
  limit: number;
  json?: boolean;
}

export interface FailureListing {
  messageId: string;
  key?: string;
  receiveCount: number;
  sentAt: string;
  /** The last recorded reason; absent when the worker could not record one. */
  reason?: string;
  stage?: string;
  retryable?: boolean;
  recordedAt?: string;
  body?: string;
}

const env = z.object({
  CIS_QUEUE_URL: z.url().optional(),
  CIS_DLQ_URL: z.url().optional(),
  AWS_REGION: z.string().optional(),
});

export function register(program: Command): void {
  program
    .command('failures')
    .description('list the messages in the dead-letter queue with the reason the worker recorded for each (messages stay in the DLQ)')
    .option('--limit <n>', 'messages to list at most', positiveInt, 100)
    .option('--json', 'print {"failures": [...]} on stdout')
    .action(async (opts: FailuresOptions) => {
      const e = parseSettings(env, process.env, 'failures settings');
      const sqs = new SQSClient({ region: e.AWS_REGION });
      const os = openSearchSettings();
      const client = createOpenSearchClient(os);
      try {
        const dlqUrl = e.CIS_DLQ_URL ?? (e.CIS_QUEUE_URL ? await deadLetterQueueUrl(sqs, e.CIS_QUEUE_URL) : undefined);
        if (!dlqUrl) throw new UsageError('set CIS_DLQ_URL, or CIS_QUEUE_URL of a queue with a redrive policy');
        const messages = await peekMessages(sqs, dlqUrl, opts.limit);
        const store = new OpenSearchFailureStore(client, os.statusIndex);
        const refs = messages.map((m) => ({ key: keyOf(m), messageId: m.messageId }));
        const records = await store.get(refs);
        const rows: FailureListing[] = messages.map((m, i) => listing(m, refs[i].key, records.get(failureId(refs[i]))));
        print(rows, dlqUrl, opts.json);
      } finally {
        sqs.destroy();
        await client.close();
      }
    });
}

function listing(m: { messageId: string; body?: string; receiveCount: number; sentAt: number }, key: string | undefined, r: FailureRecord | undefined): FailureListing {
  return {
    messageId: m.messageId,
    ...(key !== undefined ? { key } : { body: (m.body ?? '').slice(0, 200) }),
    receiveCount: m.receiveCount,
    sentAt: new Date(m.sentAt).toISOString(),
    ...(r ? { reason: r.reason, stage: r.stage, retryable: r.retryable, recordedAt: r.at } : {}),
  };
}

function print(rows: FailureListing[], dlqUrl: string, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ dlq: dlqUrl, failures: rows })}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write(`no messages in ${dlqUrl}\n`);
    return;
  }
  process.stdout.write(`${rows.length} message(s) in ${dlqUrl}\n`);
  for (const r of rows) {
    const what = r.key ?? `(message ${r.messageId}: ${JSON.stringify(r.body)})`;
    const why = r.reason ? `${r.stage}: ${r.reason}` : 'no reason recorded';
    process.stdout.write(`- ${what}\n    ${why}  [received ${r.receiveCount}×, sent ${r.sentAt}]\n`);
  }
}
