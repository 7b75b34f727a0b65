import { fileId, legacyFileId } from '../../core/ids';
import type { IndexDocument } from '../../core/types';
import { encodeOp, indexOp } from '../../adapters/opensearch/opensearch-bulk';
import { scenario, type Scenario } from '../../../test/support/worker-harness';
import { main } from './main';

/** `cis prune-ids` on the testbed's OpenSearch: the migration to exact ids. */

let s: Scenario | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
}, 30_000);

async function cis(sc: Scenario, ...args: string[]): Promise<{ code: number; stdout: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, { CIS_OPENSEARCH_INDEX: sc.name, CIS_OPENSEARCH_URL: sc.tb.opensearchUrl });
  let stdout = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), stdout };
  } finally {
    write.mockRestore();
    process.env = saved;
  }
}

const doc = (id: string, key: string): IndexDocument => ({
  id, path: key, name: key, size: 1, mtime: '2026-01-01T00:00:00.000Z', sha256: 'x', mime: 'text/plain', kind: 'text', pages: 1,
  text: key, ocrPages: [], status: 'indexed', language: 'other', indexedAt: '2026-01-01T00:00:00.000Z', s3: { bucket: 'b', key, etag: 'e' },
});

it('deletes documents stored under ids of earlier versions and lists their keys; current ones stay', async () => {
  s = await scenario('prune');
  await s.index.prepare();
  // As earlier versions stored them: under the id of the normalised key.
  const nfd = `${s.prefix}ガイド.txt`.normalize('NFD');
  const backslash = `${s.prefix}x\\y.txt`;
  const plain = `${s.prefix}plain.txt`;
  const ops = [doc(legacyFileId(nfd), nfd), doc(legacyFileId(backslash), backslash), doc(legacyFileId(plain), plain)].map((d) => indexOp(s!.name, d));
  expect((await s.index.bulk(ops, ops.map(encodeOp))).every((r) => r.ok)).toBe(true);
  await s.index.refresh();

  const dry = await cis(s, 'prune-ids', '--dry-run', '--json');
  expect(dry.code).toBe(0);
  const planned = JSON.parse(dry.stdout) as { stale: Array<{ id: string; key: string }>; deleted: number };
  expect(planned.deleted).toBe(0);
  expect(planned.stale.map((d) => d.key).sort()).toEqual([backslash, nfd].sort());

  const run = await cis(s, 'prune-ids', '--json');
  expect(JSON.parse(run.stdout)).toMatchObject({ deleted: 2 });
  await s.index.refresh();
  expect(await s.index.count()).toBe(1);
  // A key that needed no normalising has the same id in both schemes: it stays.
  expect((await s.index.getState([fileId(plain)])).size).toBe(1);
}, 60_000);
