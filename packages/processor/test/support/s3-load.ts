import { DeleteObjectCommand, paginateListObjectsV2, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { forEachConcurrent } from '../../src/core/concurrency';
import { serializeFileMessage, type FileMessage, type UpsertMessage } from '../../src/core/file-message';
import { stripQuotes } from '../../src/adapters/s3/s3-download';

/**
 * Helpers for integration tests and the worker benchmark: put files into the testbed's S3 and
 * send messages the way the scanner does (the same message module).
 */

export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (d.isFile()) out.push(relative(root, join(d.parentPath, d.name)).split(sep).join('/'));
  }
  return out.sort();
}

/** Uploads files (relative paths under root) to bucket/prefix + path. */
export async function uploadFiles(s3: S3Client, bucket: string, root: string, paths: string[], prefix: string): Promise<void> {
  await forEachConcurrent(paths, 8, async (p) => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${p}`, Body: await readFile(join(root, p)) })).catch((err: unknown) => {
      throw new Error(`upload of ${prefix}${p} failed: ${String(err)} (${JSON.stringify((err as { $metadata?: unknown }).$metadata)})`, { cause: err });
    });
  });
}

export async function putObject(s3: S3Client, bucket: string, key: string, body: Uint8Array | string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

export async function deleteObject(s3: S3Client, bucket: string, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** Upsert messages for every object under the prefix, from a listing, as the scanner makes them. */
export async function upsertMessagesFor(s3: S3Client, bucket: string, prefix: string): Promise<UpsertMessage[]> {
  const out: UpsertMessage[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const o of page.Contents ?? []) {
      out.push({
        v: 1,
        op: 'upsert',
        bucket,
        key: o.Key ?? '',
        size: o.Size ?? 0,
        etag: stripQuotes(o.ETag ?? ''),
        lastModified: (o.LastModified ?? new Date()).toISOString(),
      });
    }
  }
  return out;
}

/** Sends raw bodies (valid messages serialized, or deliberately broken ones), ten per call. */
export async function sendBodies(sqs: SQSClient, queueUrl: string, bodies: string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody })),
      }),
    );
    if (out.Failed?.length) throw new Error(`send failed: ${JSON.stringify(out.Failed)}`);
  }
}

export function sendMessages(sqs: SQSClient, queueUrl: string, messages: FileMessage[]): Promise<void> {
  return sendBodies(sqs, queueUrl, messages.map(serializeFileMessage));
}

export async function queueCounts(sqs: SQSClient, queueUrl: string): Promise<{ visible: number; inFlight: number; delayed: number }> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  const a = out.Attributes ?? {};
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}
