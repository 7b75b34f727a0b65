import { EventEmitter } from 'node:events';
import { log } from '../../core/log';
import { WorkerError } from './errors';
import type { StageTimings } from '../../core/timing';
import type { ProcessedInfo, Worker } from './worker';

describe('attachMetrics', () => {
  // aws-embedded-metrics settles its environment when it is loaded (the worker's process has
  // AWS_EMF_ENVIRONMENT set by then): load it here, after setting the variable.
  let attachMetrics: typeof import('./metrics').attachMetrics;
  beforeAll(() => {
    process.env.AWS_EMF_ENVIRONMENT = 'Local';
    jest.isolateModules(() => ({ attachMetrics } = require('./metrics') as typeof import('./metrics')));
  });

  it('prints one EMF record per interval in CISFileSearch with the InstanceId dimension', async () => {
    const worker = new EventEmitter() as unknown as Worker;
    const printed: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    const metrics = attachMetrics(worker, { instanceId: 'i-0abc', intervalMs: 3_600_000, queue: { depth: async () => ({ visible: 42, inFlight: 3 }) } }, log);
    const m = { messageId: 'm', receiptHandle: 'h', body: '', receiveCount: 1, receivedAt: 0, releases: 0, attributes: {} };
    const info = (status: ProcessedInfo['status'], timings: StageTimings): ProcessedInfo => ({ key: 'k', status, receiveCount: 1, timings, processMs: 1000, indexMs: 5, totalMs: 1100 });
    worker.emit('message_processed', m, info('indexed', { fetch: 20, ocr: 600, embed: 80 }));
    worker.emit('message_processed', m, info('failed', { fetch: 40 }));
    worker.emit('message_processed', m, info('skipped', {}));
    worker.emit('bulk', { docs: 2, bytes: 100, ms: 30, ok: 2, rejected: 0, retrying: 0, gaveUp: 0 });
    worker.emit('processing_error', new WorkerError('bad', 'parse', false), m, { returnsInSeconds: 0 });
    await metrics.stop();
    spy.mockRestore();

    expect(printed).toHaveLength(1);
    const record = JSON.parse(printed[0]);
    expect(record._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'CISFileSearch', Dimensions: [['InstanceId']] });
    expect(record).toMatchObject({
      InstanceId: 'i-0abc',
      FilesProcessed: 2,
      FilesUnreadable: 1,
      FilesSkipped: 1,
      AvgFileProcessingTime: 1000,
      S3DownloadTime: 30,
      OCRProcessingTime: 600,
      BedrockAPITime: 80,
      OpenSearchIndexTime: 30,
      SQSQueueDepth: 42,
      MessagesReturned: 1,
      MessagesRejected: 1,
    });
    expect(record.ProcessingThroughput).toBeCloseTo(record.ProcessingRate * 60);
  });
  it('also publishes under AutoScalingGroupName when the group is known, for the fleet-wide series', async () => {
    const worker = new EventEmitter() as unknown as Worker;
    const printed: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    const metrics = attachMetrics(
      worker,
      { instanceId: 'i-0abc', autoScalingGroupName: 'cis-dev-workers', intervalMs: 3_600_000, queue: { depth: async () => ({ visible: 0, inFlight: 0 }) } },
      log,
    );
    await metrics.stop();
    spy.mockRestore();

    const record = JSON.parse(printed[0]);
    expect(record._aws.CloudWatchMetrics[0].Dimensions).toEqual([['InstanceId'], ['AutoScalingGroupName']]);
    expect(record).toMatchObject({ InstanceId: 'i-0abc', AutoScalingGroupName: 'cis-dev-workers' });
  });
});
