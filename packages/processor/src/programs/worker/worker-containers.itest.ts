import { writeZip } from '@cis/corpus';
import Encoding from 'encoding-japanese';
import { memberId, fileId } from '../../core/ids';
import { runCis } from '../../../test/support/cli';
import { msg } from '../../../test/support/mail-fixtures';
import { renderLines } from '../../../test/support/ocr-pages';
import { mixedPdf, textPdf } from '../../../test/support/pdf-fixtures';
import { deleteObject, putObject, sendMessages, upsertMessagesFor } from '../../../test/support/s3-load';
import { queuesEmpty, scenario, startInProcess, storedDocs, waitFor, type Scenario } from '../../../test/support/worker-harness';

/**
 * Issue 15 in AWS mode: one message per container, the worker indexes every member under that
 * message (its heartbeat keeps the message invisible while the scans are OCR'd), and a changed
 * or deleted container replaces or removes its members in OpenSearch.
 */

const cp932 = (name: string) => Buffer.from(Encoding.convert(Encoding.stringToCode(name), { to: 'SJIS', from: 'UNICODE' }));
const SCANS = ['スキャン/見積書_第1版.pdf', 'スキャン/請求書_2026年1月.pdf', 'スキャン/納品書.pdf'];

async function scannedPdf(n: number): Promise<Buffer> {
  const scan = renderLines([
    { text: `Scanned page number ${n} of the archive`, font: 'sans', px: 40 },
    { text: `Reference code ZX${n}${n}${n}`, font: 'sans', px: 40 },
  ]);
  return Buffer.from(await mixedPdf([{ scan }]));
}

let s: Scenario | undefined;
afterAll(async () => {
  await s?.close();
}, 30_000);

it('indexes every member of a CP932-named zip and a .msg attachment under one message each, then replaces and removes members', async () => {
  // Three scans take longer to OCR than the 3 s visibility timeout: only the heartbeat keeps the message.
  s = await scenario('containers', { visibilityS: 3 });
  const zipKey = `${s.prefix}書類/スキャン一式.zip`;
  const msgKey = `${s.prefix}mail/quote.msg`;
  const scans = await Promise.all(SCANS.map(async (name, i) => ({ name, nameBytes: cp932(name), content: [await scannedPdf(i + 1)] })));
  await putObject(s.s3, s.tb.bucket, zipKey, await writeZip(scans));
  await putObject(
    s.s3,
    s.tb.bucket,
    msgKey,
    msg({
      from: { name: '山田太郎', address: 'yamada@example.co.jp' },
      to: [{ name: 'Suzuki', address: 'suzuki@example.com' }],
      subject: '御見積書の送付',
      body: 'Please find the quotation attached.',
      date: new Date('2026-01-05T09:30:00Z'),
      attachments: [{ name: '見積書.pdf', mime: 'application/pdf', data: await textPdf([['Outlook attachment 7723 on the testbed']]) }],
    }),
  );
  await sendMessages(s.sqs, s.queueUrl, await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix));

  const { worker, done } = await startInProcess(s);
  const processed: Array<{ key: string; receiveCount: number }> = [];
  worker.on('message_processed', (m, info) => processed.push({ key: info.key, receiveCount: m.receiveCount }));
  try {
    await waitFor('both containers indexed', () => processed.length === 2, 180_000);

    // Each message received once: no redelivery while its members were processed.
    expect(processed.map((p) => p.receiveCount)).toEqual([1, 1]);
    expect(await queuesEmpty(s)).toEqual({ queue: 0, dlq: 0 });
    let docs = await storedDocs(s);
    const members = SCANS.map((name) => `${zipKey}/${name}`);
    expect([...docs.keys()].sort()).toEqual([zipKey, ...members, msgKey, `${msgKey}/見積書.pdf`].sort());
    for (const [i, path] of members.entries()) {
      const doc = docs.get(path)!;
      expect({ path, status: doc.status, container: doc.container, id: doc._id, ocrPages: doc.ocrPages }).toEqual({
        path,
        status: 'indexed',
        container: fileId(zipKey),
        id: memberId(fileId(zipKey), SCANS[i]),
        ocrPages: [1],
      });
      expect((await s.index.search(`ZX${i + 1}${i + 1}${i + 1}`)).map((h) => h.path)).toEqual([path]);
    }
    expect(docs.get(msgKey)).toMatchObject({ kind: 'container', fields: { from: '山田太郎 <yamada@example.co.jp>', to: ['Suzuki <suzuki@example.com>'], subject: '御見積書の送付' } });
    expect((await s.index.search('Outlook attachment 7723')).map((h) => h.path)).toEqual([`${msgKey}/見積書.pdf`]);

    // `cis show --opensearch` prints a member with its container.
    const shown = await runCis(['show', `${zipKey}/${SCANS[0]}`, '--opensearch', '--json'], s.env);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({ container: fileId(zipKey), ocrPages: [1], status: 'indexed' });

    // A changed archive replaces its members; a deleted mail takes its attachment with it.
    await putObject(s.s3, s.tb.bucket, zipKey, await writeZip([{ name: 'replacement.txt', content: ['The replacement member of the archive'] }]));
    await deleteObject(s.s3, s.tb.bucket, msgKey);
    await sendMessages(s.sqs, s.queueUrl, [...(await upsertMessagesFor(s.s3, s.tb.bucket, `${s.prefix}書類/`)), { v: 1, op: 'delete', bucket: s.tb.bucket, key: msgKey }]);
    await waitFor('the change and the delete handled', () => processed.length === 4, 60_000);
    docs = await storedDocs(s);
    expect([...docs.keys()].sort()).toEqual([zipKey, `${zipKey}/replacement.txt`].sort());
    expect(await queuesEmpty(s)).toEqual({ queue: 0, dlq: 0 });
  } finally {
    await worker.stop('test done');
    await done;
  }
}, 300_000);
