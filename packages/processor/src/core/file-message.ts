import { z } from 'zod';

/**
 * The queue message contract between the scanner (producer) and the worker (consumer).
 * Versioned: a worker refuses versions it does not know instead of guessing, and both sides
 * import this one module.
 */
export const MESSAGE_VERSION = 1;

const s3Object = {
  v: z.literal(MESSAGE_VERSION),
  bucket: z.string().min(3).max(63),
  key: z.string().min(1).max(1024),
};

export const UpsertMessage = z.strictObject({
  ...s3Object,
  op: z.literal('upsert'),
  size: z.number().int().nonnegative(),
  /** The object's ETag as S3 lists it (quotes stripped). */
  etag: z.string().min(1),
  /** ISO 8601. */
  lastModified: z.iso.datetime({ offset: true }),
});

/** The object was deleted from the bucket: remove its document. */
export const DeleteMessage = z.strictObject({
  ...s3Object,
  op: z.literal('delete'),
});

export const FileMessage = z.discriminatedUnion('op', [UpsertMessage, DeleteMessage]);

export type UpsertMessage = z.infer<typeof UpsertMessage>;
export type DeleteMessage = z.infer<typeof DeleteMessage>;
export type FileMessage = z.infer<typeof FileMessage>;

export type ParseResult = { ok: true; message: FileMessage } | { ok: false; reason: string };

/** Parses a message body; a bad body yields the reason, which goes with the message to the DLQ. */
export function parseFileMessage(body: string | undefined): ParseResult {
  if (!body) return { ok: false, reason: 'empty message body' };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { ok: false, reason: `message body is not JSON: ${(err as Error).message}` };
  }
  if (typeof json === 'object' && json !== null && 'v' in json && json.v !== MESSAGE_VERSION) {
    return { ok: false, reason: `unsupported message version ${JSON.stringify(json.v)} (this worker reads ${MESSAGE_VERSION})` };
  }
  const parsed = FileMessage.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  return {
    ok: false,
    reason: `invalid message: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
  };
}

export function serializeFileMessage(message: FileMessage): string {
  return JSON.stringify(FileMessage.parse(message));
}

