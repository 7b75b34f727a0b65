import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as sqliteVec from 'sqlite-vec';
import type { IndexDocument, IndexedState, SearchHit, SearchIndex, StoredDocument } from '../../core/types';
import { normalizeText } from '../../core/normalize-text';
import { searchTerms } from '../../core/search-terms';

/**
 * 1: documents, trigram full text, vectors.
 * 2: language, fields (JSON), container; a version-1 file is brought up to 2 in place on open.
 */
const SCHEMA_VERSION = 2;

/**
 * The embedded index for local mode: one SQLite file.
 * Full text uses FTS5's trigram tokenizer, which finds 見積書 inside 御見積書 and in unspaced
 * Japanese (unicode61 cannot); it needs at least three characters, so shorter terms fall back
 * to LIKE. Vectors live in one sqlite-vec table per embedding model, so vectors of different
 * models can never be compared.
 */
/** What version 2 added to the docs table (a new file and a migrated one get the same). */
const V2_COLUMNS = `
  ALTER TABLE docs ADD COLUMN language TEXT NOT NULL DEFAULT 'other';
  ALTER TABLE docs ADD COLUMN fields TEXT;
  ALTER TABLE docs ADD COLUMN container TEXT;
  CREATE INDEX docs_container ON docs(container);
`;

export class SqliteIndex implements SearchIndex {
  private readonly db: Database.Database;
  private readonly vectorTables = new Map<string, { table: string; dims: number }>();

  constructor(readonly file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    sqliteVec.load(this.db);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.migrate();
    for (const row of this.db.prepare('SELECT model_id, dims, table_name FROM vector_models').all() as VectorModelRow[]) {
      this.vectorTables.set(row.model_id, { table: row.table_name, dims: row.dims });
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version === SCHEMA_VERSION) return;
    if (version === 1) {
      // Columns added with defaults: existing rows stay valid and are filled in as files are redone.
      this.db.transaction(() => this.db.exec(`${V2_COLUMNS} PRAGMA user_version = ${SCHEMA_VERSION};`))();
      return;
    }
    if (version !== 0) {
      throw new Error(`${this.file} has index schema version ${version}; this build reads versions up to ${SCHEMA_VERSION}`);
    }
    // An explicit INTEGER PRIMARY KEY keeps rowids stable across VACUUM; FTS and vectors refer to them.
    this.db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE docs (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        path TEXT NOT NULL,
        search_path TEXT NOT NULL,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        mime TEXT NOT NULL,
        kind TEXT NOT NULL,
        pages INTEGER NOT NULL,
        text TEXT NOT NULL,
        ocr_pages TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        vector_model TEXT,
        indexed_at TEXT NOT NULL
      );
      CREATE INDEX docs_status ON docs(status);
      CREATE VIRTUAL TABLE docs_fts USING fts5(
        search_path, text, content='docs', content_rowid='rowid', tokenize='trigram'
      );
      CREATE TRIGGER docs_ai AFTER INSERT ON docs BEGIN
        INSERT INTO docs_fts(rowid, search_path, text) VALUES (new.rowid, new.search_path, new.text);
      END;
      CREATE TRIGGER docs_ad AFTER DELETE ON docs BEGIN
        INSERT INTO docs_fts(docs_fts, rowid, search_path, text) VALUES ('delete', old.rowid, old.search_path, old.text);
      END;
      CREATE TRIGGER docs_au AFTER UPDATE ON docs BEGIN
        INSERT INTO docs_fts(docs_fts, rowid, search_path, text) VALUES ('delete', old.rowid, old.search_path, old.text);
        INSERT INTO docs_fts(rowid, search_path, text) VALUES (new.rowid, new.search_path, new.text);
      END;
      CREATE TABLE vector_models (model_id TEXT PRIMARY KEY, dims INTEGER NOT NULL, table_name TEXT NOT NULL UNIQUE);
      ${V2_COLUMNS}
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  async getState(ids: string[]): Promise<Map<string, IndexedState>> {
    const out = new Map<string, IndexedState>();
    const stmt = this.db.prepare('SELECT id, sha256, size, status FROM docs WHERE id = ?');
    for (const id of ids) {
      const row = stmt.get(id) as IndexedState | undefined;
      if (row) out.set(id, row);
    }
    return out;
  }

  async upsert(docs: IndexDocument[]): Promise<void> {
    const upsertDoc = this.db.prepare(`
      INSERT INTO docs (id, path, search_path, name, size, mtime, sha256, mime, kind, pages, text, ocr_pages, status, reason, vector_model, indexed_at, language, fields, container)
      VALUES (@id, @path, @search_path, @name, @size, @mtime, @sha256, @mime, @kind, @pages, @text, @ocr_pages, @status, @reason, @vector_model, @indexed_at, @language, @fields, @container)
      ON CONFLICT(id) DO UPDATE SET
        path = excluded.path, search_path = excluded.search_path, name = excluded.name, size = excluded.size,
        mtime = excluded.mtime, sha256 = excluded.sha256, mime = excluded.mime, kind = excluded.kind,
        pages = excluded.pages, text = excluded.text, ocr_pages = excluded.ocr_pages, status = excluded.status,
        reason = excluded.reason, vector_model = excluded.vector_model, indexed_at = excluded.indexed_at,
        language = excluded.language, fields = excluded.fields, container = excluded.container
      RETURNING rowid`);
    const write = this.db.transaction((batch: IndexDocument[]) => {
      for (const doc of batch) {
        const { rowid } = upsertDoc.get({
          id: doc.id,
          path: doc.path,
          search_path: normalizeText(doc.path),
          name: doc.name,
          size: doc.size,
          mtime: doc.mtime,
          sha256: doc.sha256,
          mime: doc.mime,
          kind: doc.kind,
          pages: doc.pages,
          text: doc.text,
          ocr_pages: JSON.stringify(doc.ocrPages),
          status: doc.status,
          reason: doc.reason ?? null,
          vector_model: doc.vector?.modelId ?? null,
          indexed_at: doc.indexedAt,
          language: doc.language,
          fields: doc.fields ? JSON.stringify(doc.fields) : null,
          container: doc.container ?? null,
        }) as { rowid: number };
        this.deleteVectors(rowid);
        if (doc.vector) {
          const { table } = this.vectorTable(doc.vector.modelId, doc.vector.values.length);
          this.db.prepare(`INSERT INTO ${table}(doc_rowid, embedding) VALUES (?, ?)`).run(BigInt(rowid), vectorBytes(doc.vector.values));
        }
      }
    });
    write(docs);
  }

  async remove(ids: string[]): Promise<void> {
    const find = this.db.prepare('SELECT rowid FROM docs WHERE id = ?');
    const del = this.db.prepare('DELETE FROM docs WHERE rowid = ?');
    this.db.transaction(() => {
      for (const id of ids) {
        const row = find.get(id) as { rowid: number } | undefined;
        if (!row) continue;
        this.deleteVectors(row.rowid);
        del.run(row.rowid);
      }
    })();
  }

  /** The stored document of this path (exactly as stored), for `cis show`; vectors as their model id and size only. */
  async getByPath(path: string): Promise<StoredDocument | undefined> {
    const row = this.db.prepare('SELECT * FROM docs WHERE path = ?').get(path) as DocRow | undefined;
    if (!row) return undefined;
    const model = row.vector_model ? this.vectorTables.get(row.vector_model) : undefined;
    return { ...storedDocument(row), ...(row.vector_model && model ? { vector: { modelId: row.vector_model, dimensions: model.dims } } : {}) };
  }

  /** Ids of the documents that came out of these containers (members, attachments), all levels down. */
  async membersOf(containerIds: string[]): Promise<string[]> {
    const stmt = this.db.prepare('SELECT id FROM docs WHERE container = ?').pluck();
    const out: string[] = [];
    const queue = [...containerIds];
    while (queue.length > 0) {
      for (const id of stmt.all(queue.shift()!) as string[]) {
        out.push(id);
        queue.push(id);
      }
    }
    return out;
  }

  /** Every stored document's id and path, to find files deleted from the source since the last run. */
  async allDocs(): Promise<Array<{ id: string; path: string; container?: string }>> {
    const rows = this.db.prepare('SELECT id, path, container FROM docs').all() as Array<{ id: string; path: string; container: string | null }>;
    return rows.map((r) => (r.container ? { id: r.id, path: r.path, container: r.container } : { id: r.id, path: r.path }));
  }

  async count(): Promise<number> {
    return this.db.prepare('SELECT count(*) FROM docs').pluck().get() as number;
  }

  async search(query: string, opts: { limit?: number } = {}): Promise<SearchHit[]> {
    const limit = opts.limit ?? 10;
    // Each term (a word, or a "quoted phrase") must occur as written: a trigram phrase is a substring test.
    const terms = searchTerms(query);
    if (terms.length === 0) return [];
    // Trigram matching needs three characters (code points, not UTF-16 units).
    const long = terms.filter((t) => [...t].length >= 3);
    const short = terms.filter((t) => [...t].length < 3);
    const likeClauses = short.map(() => `(d.text LIKE ? ESCAPE '\\' OR d.search_path LIKE ? ESCAPE '\\')`);
    const likeParams = short.flatMap((t) => [likePattern(t), likePattern(t)]);

    if (long.length > 0) {
      const match = long.map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
      // A trigram token is one character position: 64 (FTS5's most) gives a readable line.
      const rows = this.db
        .prepare(
          `SELECT d.id, d.path, d.text, bm25(docs_fts, 2.0, 1.0) AS rank,
                  snippet(docs_fts, 1, '[', ']', '…', 64) AS snip
           FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid
           WHERE docs_fts MATCH ? ${likeClauses.map((c) => `AND ${c}`).join(' ')}
           ORDER BY rank LIMIT ?`,
        )
        .all(match, ...likeParams, limit) as Array<{ id: string; path: string; text: string; rank: number; snip: string }>;
      return rows.map((r) => ({
        id: r.id,
        path: r.path,
        score: round(-r.rank),
        // A hit on the path alone leaves the text snippet empty; show the start of the text instead.
        snippet: r.snip.includes('[') ? r.snip.replace(/\s+/g, ' ').trim() : makeSnippet(r.text, terms),
      }));
    }

    // Only one- and two-character terms: no index can help, scan and rank by occurrences.
    const rows = this.db
      .prepare(`SELECT d.id, d.path, d.text, d.search_path FROM docs d WHERE ${likeClauses.join(' AND ')}`)
      .all(...likeParams) as Array<{ id: string; path: string; text: string; search_path: string }>;
    return rows
      .map((r) => ({
        id: r.id,
        path: r.path,
        score: terms.reduce((n, t) => n + occurrences(r.text, t) + 2 * occurrences(r.search_path, t), 0),
        snippet: makeSnippet(r.text, terms),
      }))
      .sort((a, b) => b.score - a.score || a.path.localeCompare(b.path))
      .slice(0, limit);
  }

  async similar(vector: { modelId: string; values: Float32Array }, opts: { limit?: number } = {}): Promise<SearchHit[]> {
    const entry = this.vectorTables.get(vector.modelId);
    // No vectors of this model: nothing is comparable, even if other models' vectors exist.
    if (!entry) return [];
    if (entry.dims !== vector.values.length) {
      throw new Error(`vector of ${vector.values.length} dimensions for model ${vector.modelId}, which stores ${entry.dims}`);
    }
    const rows = this.db
      .prepare(
        `SELECT d.id, d.path, d.text, v.distance
         FROM (SELECT doc_rowid, distance FROM ${entry.table} WHERE embedding MATCH ? AND k = ?) v
         JOIN docs d ON d.rowid = v.doc_rowid
         ORDER BY v.distance`,
      )
      .all(vectorBytes(vector.values), opts.limit ?? 10) as Array<{ id: string; path: string; text: string; distance: number }>;
    return rows.map((r) => ({ id: r.id, path: r.path, score: round(1 - r.distance), snippet: makeSnippet(r.text, []) }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private vectorTable(modelId: string, dims: number): { table: string; dims: number } {
    const existing = this.vectorTables.get(modelId);
    if (existing) {
      if (existing.dims !== dims) throw new Error(`model ${modelId} stores ${existing.dims}-dimensional vectors, got ${dims}`);
      return existing;
    }
    const table = `vec_${this.vectorTables.size + 1}`;
    this.db.exec(`CREATE VIRTUAL TABLE ${table} USING vec0(doc_rowid INTEGER PRIMARY KEY, embedding float[${dims}] distance_metric=cosine)`);
    this.db.prepare('INSERT INTO vector_models(model_id, dims, table_name) VALUES (?, ?, ?)').run(modelId, dims, table);
    const entry = { table, dims };
    this.vectorTables.set(modelId, entry);
    return entry;
  }

  private deleteVectors(rowid: number): void {
    for (const { table } of this.vectorTables.values()) {
      this.db.prepare(`DELETE FROM ${table} WHERE doc_rowid = ?`).run(BigInt(rowid));
    }
  }
}

interface DocRow {
  id: string;
  path: string;
  name: string;
  size: number;
  mtime: string;
  sha256: string;
  mime: string;
  kind: IndexDocument['kind'];
  pages: number;
  text: string;
  ocr_pages: string;
  status: IndexDocument['status'];
  reason: string | null;
  vector_model: string | null;
  indexed_at: string;
  language: IndexDocument['language'];
  fields: string | null;
  container: string | null;
}

function storedDocument(r: DocRow): StoredDocument {
  return {
    id: r.id,
    path: r.path,
    name: r.name,
    size: r.size,
    mtime: r.mtime,
    sha256: r.sha256,
    mime: r.mime,
    kind: r.kind,
    pages: r.pages,
    text: r.text,
    ocrPages: JSON.parse(r.ocr_pages) as number[],
    status: r.status,
    ...(r.reason !== null ? { reason: r.reason } : {}),
    language: r.language,
    ...(r.fields !== null ? { fields: JSON.parse(r.fields) as IndexDocument['fields'] } : {}),
    ...(r.container !== null ? { container: r.container } : {}),
    indexedAt: r.indexed_at,
  };
}

interface VectorModelRow {
  model_id: string;
  dims: number;
  table_name: string;
}

function vectorBytes(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function occurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** A short window of text around the first term found, with the term in [brackets]. */
function makeSnippet(text: string, terms: string[], width = 40): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  let at = -1;
  let term = '';
  for (const t of terms) {
    const i = flat.indexOf(t);
    if (i !== -1 && (at === -1 || i < at)) [at, term] = [i, t];
  }
  if (at === -1) return flat.length > width * 2 ? `${flat.slice(0, width * 2)}…` : flat;
  const start = Math.max(0, at - width);
  const end = Math.min(flat.length, at + term.length + width);
  return `${start > 0 ? '…' : ''}${flat.slice(start, at)}[${term}]${flat.slice(at + term.length, end)}${end < flat.length ? '…' : ''}`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
