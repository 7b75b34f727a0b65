import { join } from 'node:path';
import { runCis } from '../../../test/support/cli';
import { queuesEmpty, REPO_ROOT, scenario, startInProcess, waitFor, type Scenario } from '../../../test/support/worker-harness';
import { sendMessages, upsertMessagesFor, uploadFiles } from '../../../test/support/s3-load';

const SAMPLES = join(REPO_ROOT, 'samples');

interface Hits {
  hits: Array<{ path: string; score: number; snippet: string }>;
}

/** `cis …` against an OpenSearch index of the testbed. */
function cis(s: Scenario, args: string[], index = s.name): Promise<{ code: number; out: string; err: string }> {
  return runCis(args, { CIS_OPENSEARCH_URL: s.tb.opensearchUrl, CIS_OPENSEARCH_INDEX: index });
}

describe('cis search / similar --opensearch: querying what the workers indexed', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await scenario('cli-search');
    const files = ['業務委託契約書.docx', '請求書.pdf', 'photo_landscape.jpg', 'photo_landscape_resized.jpg'];
    await uploadFiles(s.s3, s.tb.bucket, SAMPLES, files, s.prefix);
    await sendMessages(s.sqs, s.queueUrl, await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix));
    const { worker, done } = await startInProcess(s);
    await waitFor('all messages handled', async () => (await queuesEmpty(s)).queue === 0, 120_000);
    await worker.stop('test done');
    await done;
    await s.index.refresh();
  }, 180_000);
  afterAll(() => s?.close(), 30_000);

  it('finds Japanese words in the OpenSearch index, with a highlighted snippet', async () => {
    const { code, out } = await cis(s, ['search', '--opensearch', '--json', '業務委託']);
    expect(code).toBe(0);
    const { hits } = JSON.parse(out) as Hits;
    expect(hits.map((h) => h.path)).toEqual([`${s.prefix}業務委託契約書.docx`]);
    expect(hits[0].snippet).toContain('[');
    expect(hits[0].snippet.replace(/[[\]]/g, '')).toContain('業務委託');
  });

  it('finds the very image by a Titan vector of the query picture, prepared as the worker prepares it', async () => {
    const { code, out } = await cis(s, ['similar', '--opensearch', '--json', '--limit', '2', join(SAMPLES, 'photo_landscape.jpg')]);
    expect(code).toBe(0);
    const { hits } = JSON.parse(out) as Hits;
    // The stand-in's vectors are deterministic: the very same image comes back first, at full similarity.
    expect(hits[0]).toMatchObject({ path: `${s.prefix}photo_landscape.jpg`, score: 1 });
    expect(hits.map((h) => h.path)).not.toContain(`${s.prefix}請求書.pdf`);
  });

  it('says which index is missing instead of crashing', async () => {
    const { code, err } = await cis(s, ['search', '--opensearch', 'anything'], `${s.name}-missing`);
    expect(code).toBe(2);
    expect(err).toContain(`no index ${s.name}-missing at ${s.tb.opensearchUrl}`);
  });

  it('refuses --db together with --opensearch', async () => {
    const { code, err } = await cis(s, ['search', '--opensearch', '--db', 'x.db', 'anything']);
    expect(code).toBe(2);
    expect(err).toMatch(/--db and --opensearch/);
  });
});
