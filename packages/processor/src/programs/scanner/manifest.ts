import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from '../../core/errors';

/** What the last accepted message said about a key. */
export interface ManifestRow {
  key: string;
  etag: string;
  size: number;
  /** Epoch ms of the object's LastModified. */
  lastModifiedMs: number;
  /** Local mode: the file's mtime when it was uploaded (its change marker); undefined in S3 mode. */
  sourceMtimeMs?: number;
}

/** Whose keys a manifest holds: a manifest made for one scan refuses to serve another. */
export interface ManifestIdentity {
  queueUrl: string;
  bucket: string;
  prefix: string;
  /** `s3` or the local folder uploaded from. */
  source: string;
}

const SCHEMA_VERSION = '1';
/**
 * Writes are grouped into transactions of this many rows, or of what is pending after FLUSH_MS:
 * one commit (and fsync) per batch, not per key. Measured here: 1000-row transactions filled a
 * manifest at ~8k keys/s, 10000-row ones at ~20k keys/s (keys in random order; ~75k/s sorted, as
 * S3 lists them). A crash loses at most this much of the manifest, which means re-sending (never
 * losing) those messages.
 */
const FLUSH_ROWS = 10_000;
const FLUSH_MS = 2000;

/**
 * The scanner's memory between runs: key → ETag, size, last-modified of the last message SQS
 * accepted for it. SQLite (one file, indexed by key) so millions of keys cost disk, not RAM.
 *
 * Within a run, every listed key is marked in a temporary table; keys of the manifest that were
 * not marked once the listing is complete are gone from the source. The file is opened with an
 * exclusive lock held until close, so two scans cannot interleave on one manifest.
 */
export class Manifest {
  private pendingPut: ManifestRow[] = [];
  private pendingRemove: string[] = [];
  private pendingSeen: string[] = [];
  private lastFlush = performance.now();
  private readonly getStmt: Database.Statement<[string], RawRow>;
  private readonly putStmt: Database.Statement<[RawRow]>;
  private readonly removeStmt: Database.Statement<[string]>;
  private readonly seenStmt: Database.Statement<[string]>;
  private readonly goneStmt: Database.Statement<[string, number], { key: string }>;
  private readonly writeBatch: () => void;

  private constructor(
    private readonly db: Database.Database,
    /** Where it lives (a dry run before the first real run reads an empty one in memory). */
    readonly path: string,
    readonly readOnly: boolean,
  ) {
    db.exec('CREATE TEMP TABLE seen (key TEXT PRIMARY KEY) WITHOUT ROWID');
    this.getStmt = db.prepare('SELECT key, etag, size, last_modified, source_mtime FROM objects WHERE key = ?');
    this.putStmt = db.prepare(
      `INSERT INTO objects (key, etag, size, last_modified, source_mtime) VALUES (@key, @etag, @size, @last_modified, @source_mtime)
       ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, size = excluded.size, last_modified = excluded.last_modified, source_mtime = excluded.source_mtime`,
    );
    this.removeStmt = db.prepare('DELETE FROM objects WHERE key = ?');
    this.seenStmt = db.prepare('INSERT OR IGNORE INTO temp.seen (key) VALUES (?)');
    this.goneStmt = db.prepare(
      'SELECT key FROM main.objects o WHERE key > ? AND NOT EXISTS (SELECT 1 FROM temp.seen s WHERE s.key = o.key) ORDER BY key LIMIT ?',
    );
    this.writeBatch = db.transaction(() => {
      // Seen marks only touch the temporary table: a dry run may write them too.
      for (const key of this.pendingSeen) this.seenStmt.run(key);
      for (const r of this.pendingPut) this.putStmt.run(toRaw(r));
      for (const key of this.pendingRemove) this.removeStmt.run(key);
    });
  }

  /**
   * Opens (creating) the manifest for a real run: takes the exclusive lock, checks the manifest
   * belongs to this queue, bucket, prefix and source.
   */
  static open(path: string, identity: ManifestIdentity): Manifest {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path, { timeout: 0 });
    return closedOnFailure(db, () => {
      lockOrExplain(path, () => {
        db.pragma('locking_mode = EXCLUSIVE');
        // The first write takes the lock, and the lock is kept until close.
        db.exec(`BEGIN IMMEDIATE; ${SCHEMA}; COMMIT`);
        // Page caches of 64 + 32 MiB: bounded whatever the number of keys.
        db.pragma('cache_size = -65536');
        db.pragma('temp.cache_size = -32768');
      });
      const m = new Manifest(db, path, false);
      m.bind(identity);
      return m;
    });
  }

  /** For a dry run: reads the manifest if it exists, writes nothing to it. */
  static openReadOnly(path: string, identity: ManifestIdentity): Manifest {
    if (!existsSync(path)) {
      const db = new Database(':memory:');
      db.exec(SCHEMA);
      return new Manifest(db, path, true);
    }
    const db = new Database(path, { readonly: true, timeout: 0 });
    return closedOnFailure(db, () => {
      lockOrExplain(path, () => db.prepare('SELECT 1 FROM objects LIMIT 1').get());
      const m = new Manifest(db, path, true);
      m.checkIdentity(identity);
      return m;
    });
  }

  get(key: string): ManifestRow | undefined {
    const raw = this.getStmt.get(key);
    return raw ? fromRaw(raw) : undefined;
  }

  /** The key was listed this run: it is not gone. */
  markSeen(key: string): void {
    this.pendingSeen.push(key);
    this.maybeFlush();
  }

  /** SQS accepted an upsert for the row's key. */
  put(row: ManifestRow): void {
    if (this.readOnly) throw new Error('manifest opened read-only');
    this.pendingPut.push(row);
    this.maybeFlush();
  }

  /** SQS accepted a delete for the key. */
  remove(key: string): void {
    if (this.readOnly) throw new Error('manifest opened read-only');
    this.pendingRemove.push(key);
    this.maybeFlush();
  }

  /** Writes everything pending in one transaction. */
  flush(): void {
    if (this.pendingSeen.length + this.pendingPut.length + this.pendingRemove.length === 0) return;
    this.writeBatch();
    this.lastFlush = performance.now();
    this.pendingSeen = [];
    this.pendingPut = [];
    this.pendingRemove = [];
  }

  /**
   * Keys of the manifest not seen this run, in key order, a page at a time (call after the
   * listing completed and the marks were flushed). Removing keys between pages is safe.
   */
  *gone(pageSize = 500): Generator<string[]> {
    this.flush();
    let after = '';
    for (;;) {
      const page = this.goneStmt.all(after, pageSize).map((r) => r.key);
      if (page.length === 0) return;
      yield page;
      after = page[page.length - 1];
    }
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM objects').get() as { n: number }).n;
  }

  setMeta(name: string, value: string): void {
    if (this.readOnly) return;
    this.db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value').run(name, value);
  }

  getMeta(name: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE name = ?').get(name) as { value: string } | undefined)?.value;
  }

  close(): void {
    if (!this.readOnly) this.flush();
    this.db.close();
  }

  private maybeFlush(): void {
    const pending = this.pendingSeen.length + this.pendingPut.length + this.pendingRemove.length;
    if (pending >= FLUSH_ROWS || performance.now() - this.lastFlush >= FLUSH_MS) this.flush();
  }

  private bind(identity: ManifestIdentity): void {
    if (this.getMeta('bucket') === undefined) {
      this.db.transaction(() => {
        this.setMeta('schema', SCHEMA_VERSION);
        for (const [k, v] of Object.entries(identity)) this.setMeta(identityKey(k), v);
      })();
      return;
    }
    this.checkIdentity(identity);
  }

  private checkIdentity(identity: ManifestIdentity): void {
    const schema = this.getMeta('schema');
    if (schema !== undefined && schema !== SCHEMA_VERSION) {
      throw new UsageError(`${this.path} is a scan manifest of format ${schema}; this scanner reads format ${SCHEMA_VERSION}`);
    }
    const stored = Object.fromEntries(Object.keys(identity).map((k) => [k, this.getMeta(identityKey(k))]));
    const differs = Object.entries(identity).filter(([k, v]) => stored[k] !== undefined && stored[k] !== v);
    if (differs.length > 0) {
      throw new UsageError(
        `${this.path} is the manifest of another scan (${differs.map(([k, v]) => `${k} ${JSON.stringify(stored[k])}, not ${JSON.stringify(v)}`).join('; ')}); ` +
          'use --manifest to give this scan its own',
      );
    }
  }
}

/**
 * Default manifest file: one per queue + bucket + prefix, under $CIS_SCAN_STATE_DIR, else
 * $XDG_STATE_HOME/cis/scan, else ~/.local/state/cis/scan. The name is readable and ends in a
 * hash of all three, so two queues fed from one bucket keep separate manifests.
 */
export function defaultManifestPath(queueUrl: string, bucket: string, prefix: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.CIS_SCAN_STATE_DIR || join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'cis', 'scan');
  const hash = createHash('sha256').update(`${queueUrl}\n${bucket}\n${prefix}`).digest('hex').slice(0, 12);
  const slug = prefix.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  return join(dir, `${bucket}${slug ? `-${slug}` : ''}-${hash}.sqlite`);
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS objects (
    key TEXT PRIMARY KEY,
    etag TEXT NOT NULL,
    size INTEGER NOT NULL,
    last_modified INTEGER NOT NULL,
    source_mtime INTEGER
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`;

interface RawRow {
  key: string;
  etag: string;
  size: number;
  last_modified: number;
  source_mtime: number | null;
}

function toRaw(r: ManifestRow): RawRow {
  return { key: r.key, etag: r.etag, size: r.size, last_modified: r.lastModifiedMs, source_mtime: r.sourceMtimeMs ?? null };
}

function fromRaw(r: RawRow): ManifestRow {
  return {
    key: r.key,
    etag: r.etag,
    size: r.size,
    lastModifiedMs: r.last_modified,
    ...(r.source_mtime !== null ? { sourceMtimeMs: r.source_mtime } : {}),
  };
}

function identityKey(k: string): string {
  return k === 'queueUrl' ? 'queue_url' : k;
}

/** Builds on an open database, closing it (and its lock) if building fails. */
function closedOnFailure<T>(db: Database.Database, build: () => T): T {
  try {
    return build();
  } catch (err) {
    db.close();
    throw err;
  }
}

function lockOrExplain(path: string, fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new UsageError(`manifest ${path} is in use by another scan; wait for it to finish`);
    }
    throw err;
  }
}
