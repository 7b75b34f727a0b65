import type { Client } from '@opensearch-project/opensearch';
import { errorMessage } from '../../core/errors';
import { fileId } from '../../core/ids';
import { statusOf } from './opensearch-index';

/** Why a message went back to the queue, the last time it did. */
export interface FailureRecord {
  /** Object key, when the message was readable enough to name one. */
  key?: string;
  messageId: string;
  reason: string;
  stage: string;
  retryable: boolean;
  receiveCount: number;
  /** ISO 8601. */
  at: string;
  /** The start of the message body, for messages that could not be parsed. */
  body?: string;
}

/** The status document id: by object key where there is one (stable across redeliveries), else by message id. */
export function failureId(ref: { key?: string; messageId: string }): string {
  return ref.key !== undefined ? `key:${fileId(ref.key)}` : `msg:${ref.messageId}`;
}

/**
 * A small index of the last failure per object key (or per message id for unreadable
 * messages): `cis failures` joins it with the dead-letter queue to say why each message is there.
 */
export class OpenSearchFailureStore {
  constructor(
    private readonly client: Client,
    readonly index: string,
  ) {}

  async prepare(): Promise<void> {
    if ((await this.client.indices.exists({ index: this.index })).body) return;
    const keyword = { type: 'keyword' };
    try {
      await this.client.indices.create({
        index: this.index,
        body: {
          settings: { index: { number_of_shards: 1 } },
          mappings: {
            dynamic: 'strict',
            properties: {
              key: keyword,
              messageId: keyword,
              reason: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 2048 } } },
              stage: keyword,
              retryable: { type: 'boolean' },
              receiveCount: { type: 'integer' },
              at: { type: 'date' },
              body: { type: 'keyword', index: false, doc_values: false },
            },
          },
        } as never,
      });
    } catch (err) {
      if (!/resource_already_exists_exception/.test(errorMessage(err))) throw err;
    }
  }

  async record(r: FailureRecord): Promise<void> {
    await this.client.index({ index: this.index, id: failureId(r), body: r as never });
  }

  /** Forgets the failures of keys whose documents are now stored. */
  async clear(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const body = keys.map((key) => JSON.stringify({ delete: { _index: this.index, _id: failureId({ key, messageId: '' }) } })).join('\n') + '\n';
    await this.client.transport.request({ method: 'POST', path: '/_bulk', bulkBody: body });
  }

  async get(refs: Array<{ key?: string; messageId: string }>): Promise<Map<string, FailureRecord>> {
    const out = new Map<string, FailureRecord>();
    if (refs.length === 0) return out;
    try {
      const res = await this.client.mget({ index: this.index, body: { ids: refs.map(failureId) } });
      for (const d of res.body.docs as Array<{ _id: string; found?: boolean; _source?: FailureRecord }>) {
        if (d.found && d._source) out.set(d._id, d._source);
      }
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
    return out;
  }
}
