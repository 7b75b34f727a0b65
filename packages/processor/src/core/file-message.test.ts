import { MESSAGE_VERSION, parseFileMessage, serializeFileMessage, type FileMessage } from './file-message';

const upsert: FileMessage = {
  v: MESSAGE_VERSION,
  op: 'upsert',
  bucket: 'cis-source',
  key: '営業部/見積書 2026.pdf',
  size: 12345,
  etag: '9b2cf535f27731c974343645a3985328',
  lastModified: '2026-11-28T10:00:00.000Z',
};

describe('file message schema', () => {
  it('round-trips upsert and delete messages', () => {
    expect(parseFileMessage(serializeFileMessage(upsert))).toEqual({ ok: true, message: upsert });
    const del: FileMessage = { v: 1, op: 'delete', bucket: 'cis-source', key: 'old.pdf' };
    expect(parseFileMessage(serializeFileMessage(del))).toEqual({ ok: true, message: del });
  });

  it.each([
    [undefined, /^empty message body$/],
    ['{not json', /^message body is not JSON/],
    [JSON.stringify({ ...upsert, v: 2 }), /unsupported message version 2/],
    [JSON.stringify({ ...upsert, key: undefined }), /invalid message: key:/],
    [JSON.stringify({ ...upsert, size: -1 }), /invalid message: size:/],
    [JSON.stringify({ ...upsert, op: 'move' }), /invalid message: op:/],
    [JSON.stringify({ ...upsert, lastModified: 'yesterday' }), /invalid message: lastModified:/],
    [JSON.stringify({ ...upsert, extra: true }), /invalid message: .*extra/],
    [JSON.stringify({ Records: [{ s3: {} }] }), /invalid message/],
  ])('rejects %s with a reason', (body, reason) => {
    const r = parseFileMessage(body);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });

  it('refuses to serialise an invalid message', () => {
    expect(() => serializeFileMessage({ ...upsert, bucket: '' } as FileMessage)).toThrow();
  });
});
