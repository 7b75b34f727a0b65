import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../core/errors';
import { defaultManifestPath, Manifest } from './manifest';

const identity = { queueUrl: 'https://sqs.example/1/q', bucket: 'cis-source', prefix: 'docs/', source: 's3' };
const row = (key: string, etag = 'e') => ({ key, etag, size: 1, lastModifiedMs: 1000 });

describe('Manifest', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cis-manifest-'));
    path = join(dir, 'sub', 'm.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps rows across opens', () => {
    const m = Manifest.open(path, identity);
    m.put(row('a'));
    m.put({ key: 'b', etag: 'x-2', size: 7, lastModifiedMs: 5, sourceMtimeMs: 3 });
    m.close();
    const again = Manifest.open(path, identity);
    expect(again.get('a')).toEqual(row('a'));
    expect(again.get('b')).toEqual({ key: 'b', etag: 'x-2', size: 7, lastModifiedMs: 5, sourceMtimeMs: 3 });
    expect(again.get('c')).toBeUndefined();
    again.close();
  });

  it('names the keys not seen this run as gone, page by page, and forgets removed ones', () => {
    const m = Manifest.open(path, identity);
    for (const k of ['a', 'b', 'c', 'd', 'e']) m.put(row(k));
    m.flush();
    m.markSeen('b');
    m.markSeen('d');
    m.markSeen('new-key');
    const pages = [...m.gone(2)];
    expect(pages).toEqual([['a', 'c'], ['e']]);
    m.remove('a');
    m.close();
    const next = Manifest.open(path, identity);
    // Seen marks last one run only: a new run starts with every key unseen.
    expect([...next.gone()].flat()).toEqual(['b', 'c', 'd', 'e']);
    next.close();
  });

  it('stays correct when keys are removed while the pages are read', () => {
    const m = Manifest.open(path, identity);
    for (let i = 0; i < 25; i++) m.put(row(`k${String(i).padStart(2, '0')}`));
    const seen: string[] = [];
    for (const page of m.gone(10)) {
      seen.push(...page);
      for (const k of page) m.remove(k);
      m.flush();
    }
    expect(seen).toHaveLength(25);
    expect(m.count()).toBe(0);
    m.close();
  });

  it('refuses to serve another queue, bucket, prefix or source', () => {
    Manifest.open(path, identity).close();
    expect(() => Manifest.open(path, { ...identity, prefix: 'other/' })).toThrow(/manifest of another scan \(prefix "docs\/", not "other\/"\)/);
    expect(() => Manifest.open(path, { ...identity, source: '/home/me/files' })).toThrow(UsageError);
    expect(() => Manifest.openReadOnly(path, { ...identity, queueUrl: 'https://sqs.example/1/other' })).toThrow(UsageError);
  });

  it('lets one scan at a time use a manifest', () => {
    const first = Manifest.open(path, identity);
    expect(() => Manifest.open(path, identity)).toThrow(/in use by another scan/);
    expect(() => Manifest.openReadOnly(path, identity)).toThrow(/in use by another scan/);
    first.close();
    Manifest.open(path, identity).close();
  });

  it('read-only (dry run): reads rows, keeps seen marks in memory, writes nothing', () => {
    const m = Manifest.open(path, identity);
    m.put(row('a'));
    m.put(row('b'));
    m.close();
    const ro = Manifest.openReadOnly(path, identity);
    expect(ro.get('a')).toEqual(row('a'));
    ro.markSeen('a');
    expect([...ro.gone()].flat()).toEqual(['b']);
    expect(() => ro.put(row('c'))).toThrow(/read-only/);
    ro.close();
    const after = Manifest.open(path, identity);
    expect(after.count()).toBe(2);
    after.close();
  });

  it('read-only without a manifest yet: an empty one in memory, no file created', () => {
    const ro = Manifest.openReadOnly(path, identity);
    expect(ro.get('a')).toBeUndefined();
    expect([...ro.gone()]).toEqual([]);
    ro.close();
    expect(existsSync(path)).toBe(false);
  });

  it('writes in transactions of 10000 rows, or on flush()', () => {
    const m = Manifest.open(path, identity);
    for (let i = 0; i < 9999; i++) m.put(row(`k${i}`));
    expect(m.get('k0')).toBeUndefined();
    m.put(row('k9999'));
    expect(m.get('k0')).toEqual(row('k0'));
    m.put(row('last'));
    expect(m.get('last')).toBeUndefined();
    m.flush();
    expect(m.get('last')).toEqual(row('last'));
    m.close();
  });
});

describe('defaultManifestPath', () => {
  it('is one file per queue + bucket + prefix under the state directory', () => {
    const env = { HOME: '/home/me', XDG_STATE_HOME: '/state' };
    const a = defaultManifestPath('https://sqs/1/q', 'cis-source', 'docs/2024/', env);
    expect(a).toMatch(/^\/state\/cis\/scan\/cis-source-docs_2024-[0-9a-f]{12}\.sqlite$/);
    expect(defaultManifestPath('https://sqs/1/other', 'cis-source', 'docs/2024/', env)).not.toBe(a);
    expect(defaultManifestPath('https://sqs/1/q', 'cis-source', 'docs/', env)).not.toBe(a);
    expect(defaultManifestPath('https://sqs/1/q', 'cis-source', '', { CIS_SCAN_STATE_DIR: '/var/cis' })).toMatch(/^\/var\/cis\/cis-source-[0-9a-f]{12}\.sqlite$/);
  });
});
