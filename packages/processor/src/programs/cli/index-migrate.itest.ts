import { runCis } from '../../../test/support/cli';
import { createLegacyIndex } from '../../../test/support/legacy-index';
import { putObject, sendMessages, upsertMessagesFor } from '../../../test/support/s3-load';
import { queuesEmpty, scenario, startInProcess, waitFor, type Scenario } from '../../../test/support/worker-harness';
import { fileId } from '../../core/ids';

/** Puts text files into the scenario's bucket and runs a worker until their messages are handled. */
async function indexThroughWorker(s: Scenario, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await putObject(s.s3, s.tb.bucket, `${s.prefix}${name}`, text);
  const messages = (await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix)).filter((m) => Object.keys(files).some((f) => m.key === `${s.prefix}${f}`));
  await sendMessages(s.sqs, s.queueUrl, messages);
  const { worker, done } = await startInProcess(s);
  await waitFor('all messages handled', async () => (await queuesEmpty(s)).queue === 0, 60_000);
  await worker.stop('test done');
  await done;
}

describe('cis index-migrate: an index made by older workers gets the new mapping without losing data', () => {
  let s: Scenario;
  const cis = (...args: string[]) => runCis(args, { CIS_OPENSEARCH_URL: s.tb.opensearchUrl, CIS_OPENSEARCH_INDEX: s.name });
  const search = async (q: string) => (JSON.parse((await cis('search', '--opensearch', '--json', q)).out) as { hits: Array<{ path: string }> }).hits.map((h) => h.path).sort();

  beforeAll(async () => {
    s = await scenario('cli-migrate');
    await createLegacyIndex(s.index.client, s.name);
    await indexThroughWorker(s, {
      'q.txt': '見積番号 Q-2024-0042 ファイルシステムの設計',
      'd.txt': '納品番号 D-2024-0042 ファイルの管理にはシステムを使う',
    });
    await s.index.refresh();
  }, 120_000);
  afterAll(() => s?.close(), 30_000);

  it('reports the legacy index and migrates it; searches get the new precision; workers write to the new index', async () => {
    const check = await cis('index-migrate', '--check', '--json');
    expect(check.code).toBe(0);
    expect(JSON.parse(check.out)).toMatchObject({ concrete: s.name, legacy: true, version: 1, currentVersion: 3, migrationNeeded: true });
    // The new query already keeps compounds whole; the old mapping's bigrams drop punctuation.
    expect(await search('ファイルシステム')).toEqual([`${s.prefix}q.txt`]);
    expect(await search('Q-2024-0042')).toEqual([`${s.prefix}d.txt`, `${s.prefix}q.txt`]);

    const run = await cis('index-migrate', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ alias: s.name, target: `${s.name}-v2`, retired: `${s.name}-v1`, documents: 2, staleDeleted: 0 });
    expect(run.err).toContain(`${s.name} now points to ${s.name}-v2`);

    expect(await search('Q-2024-0042')).toEqual([`${s.prefix}q.txt`]);
    expect(await search('ファイルシステム')).toEqual([`${s.prefix}q.txt`]);

    await indexThroughWorker(s, { 'new.txt': '請求番号 INV-2024-0042 移行後に届いた請求書' });
    await s.index.refresh();
    const inNew = await s.index.client.get({ index: `${s.name}-v2`, id: fileId(`${s.prefix}new.txt`) }, { ignore: [404] });
    expect(inNew.body.found).toBe(true);
    const inOld = await s.index.client.get({ index: `${s.name}-v1`, id: fileId(`${s.prefix}new.txt`) }, { ignore: [404] });
    expect(inOld.body.found).toBe(false);
    expect(await search('INV-2024-0042')).toEqual([`${s.prefix}new.txt`]);

    const again = await cis('index-migrate');
    expect(again.code).toBe(0);
    expect(again.out).toContain(`${s.name} → ${s.name}-v2, mapping version 3 (current 3)\nup to date`);
    expect(again.out).toContain(`not in use: ${s.name}-v1`);
  }, 180_000);

  it('says there is nothing to migrate when the index does not exist', async () => {
    const r = await runCis(['index-migrate'], { CIS_OPENSEARCH_URL: s.tb.opensearchUrl, CIS_OPENSEARCH_INDEX: `${s.name}-missing` });
    expect(r.code).toBe(2);
    expect(r.err).toContain(`no index ${s.name}-missing: nothing to migrate`);
  });
});
