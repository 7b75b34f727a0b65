/**
 * `pnpm bench:search [--worker] [--analyzer auto|kuromoji|cjk] [--documents N]`: precision and recall of `cis search` on a
 * generated corpus with known answers, local mode and the AWS path side by side.
 *
 * - Corpus: packages/corpus searchCorpus() (400 documents: short texts made of sentences that
 *   hold the query words, their parts apart and their prefixes; business documents; text,
 *   Markdown, HTML, Word, PDF, and scans read by OCR), built once into .cache/search-corpus.
 * - Queries: ~55 in seven categories; a document answers a query when each of its terms occurs
 *   in the generated text or the path as written (searchTruth), computed, not hand-written. OCR
 *   errors count against recall: the truth is what was printed, not what OCR read.
 * - Local: `cis index` into a fresh SQLite file, then `cis search --db … --json`.
 * - AWS: the testbed's OpenSearch, index prepared as the worker prepares it; documents written
 *   by the worker's bulk writer from the local index (the same extracted text, so the columns
 *   differ by search alone), or with --worker through S3 → SQS → the worker (OCR again); then
 *   `cis search --opensearch --json`.
 * - Baseline: the same documents in an index with the template and query from before version 2
 *   (kuromoji words with operator AND as one way to match).
 *
 * A benchmark: it prints figures and asserts nothing.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CATEGORIES, buildSet, generatorVersion, repoRoot, searchCorpus, searchTruth, writeManifest, type QueryCategory, type SearchCorpus, type SearchQuery } from '@cis/corpus';
import { createQueuePair, testbedEnv, uniqueName } from '@cis/testbed';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { workerSettings } from '../src/config/worker';
import { log } from '../src/core/log';
import type { IndexDocument } from '../src/core/types';
import { BulkWriter } from '../src/adapters/opensearch/bulk-writer';
import { createOpenSearchClient } from '../src/adapters/opensearch/opensearch-client';
import { OpenSearchIndex } from '../src/adapters/opensearch/opensearch-index';
import { TEMPLATE_VERSION } from '../src/adapters/opensearch/opensearch-mapping';
import { main as cis } from '../src/programs/cli/main';
import { startWorker } from '../src/programs/worker/run';
import { createLegacyIndex } from '../test/support/legacy-index';
import { queueCounts, sendMessages, uploadFiles, upsertMessagesFor } from '../test/support/s3-load';
import { benchTestbed } from './bench-testbed';

type Mode = 'local' | 'aws' | 'before';
const MODE_LABEL: Record<Mode, string> = { local: 'local (SQLite)', aws: 'AWS (OpenSearch)', before: 'AWS before v2' };
const LIMIT = 1000;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { worker: { type: 'boolean', default: false }, analyzer: { type: 'string', default: 'auto' }, documents: { type: 'string' } } });
  const documents = values.documents ? Number(values.documents) : 400;
  const analyzer = values.analyzer as 'auto' | 'kuromoji' | 'cjk';
  if (!['auto', 'kuromoji', 'cjk'].includes(analyzer)) throw new Error(`--analyzer: expected auto, kuromoji or cjk, got ${analyzer}`);
  const corpus = searchCorpus({ documents });
  const filesDir = await ensureFiles(corpus, documents);

  const work = mkdtempSync(join(tmpdir(), 'cis-bench-search-'));
  const db = join(work, 'index.db');
  process.stderr.write(`bench:search: cis index ${filesDir} (${corpus.docs.length} files, ${corpus.docs.filter((d) => d.scanned).length} scans to OCR)…\n`);
  const indexed = await localIndex(filesDir, db);

  const { variables, stop } = await benchTestbed('bench:search');
  Object.assign(process.env, variables, { AWS_EMF_ENVIRONMENT: 'Local' });
  const tb = testbedEnv();
  const client = createOpenSearchClient({ endpoint: tb.opensearchUrl, auth: { kind: 'none' }, requestTimeoutMs: 60_000 });
  const name = uniqueName('bench-search');
  const before = `${name}-before`;
  let prefix = '';
  try {
    const index = new OpenSearchIndex(client, { index: name, shards: 1, replicas: 0, analyzer, vectorModels: [] });
    const stored = localDocuments(db);
    if (values.worker) {
      prefix = `${name}/`;
      process.stderr.write('bench:search: AWS path through S3, SQS and the worker (OCR again)…\n');
      // The worker prepares the index itself.
      await throughWorker(name, filesDir, corpus, prefix, analyzer);
    }
    const prepared = await index.prepare();
    if (!values.worker) {
      process.stderr.write('bench:search: AWS path: the local index\'s documents through the worker\'s bulk writer…\n');
      await writeAll(index, stored);
    }
    await index.refresh();
    const baseline = new OpenSearchIndex(client, { index: before, shards: 1, replicas: 0, analyzer: 'kuromoji', vectorModels: [] });
    await createLegacyIndex(client, before);
    // As workers before template version 3 wrote them: the legacy mapping is strict and has no document fields.
    await writeAll(baseline, stored.map(({ language: _l, fields: _f, container: _c, ...old }) => old as IndexDocument));
    await baseline.refresh();

    process.stderr.write(`bench:search: ${corpus.queries.length} queries × 3…\n`);
    const runs: QueryRun[] = [];
    for (const q of corpus.queries) {
      const relevant = searchTruth(q, corpus.docs);
      const local = await cliSearch(q.query, ['--db', db]);
      const aws = (await cliSearch(q.query, ['--opensearch'], { CIS_OPENSEARCH_URL: tb.opensearchUrl, CIS_OPENSEARCH_INDEX: name })).map((p) => p.slice(prefix.length));
      const old = await beforeV2Search(client, before, q.query);
      runs.push({ q, relevant, hits: { local, aws, before: old } });
    }
    const report = format(corpus, runs, { indexed, analyzer: prepared.analyzer, worker: values.worker ?? false });
    process.stdout.write(report.text);
    const out = join(repoRoot(), '.cache', 'bench');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'search-last.json'), `${JSON.stringify(report.json, null, 2)}\n`);
  } finally {
    await client.indices.delete({ index: `${name}*` }).catch(() => {});
    for (const t of [`${name}-template`, `${before}-template`]) await client.indices.deleteIndexTemplate({ name: t }).catch(() => {});
    await client.close();
    rmSync(work, { recursive: true, force: true });
    await stop();
  }
}

/** The corpus under .cache/search-corpus/<documents>/files, rebuilt when the generator's source changed. */
async function ensureFiles(corpus: SearchCorpus, documents: number): Promise<string> {
  const base = join(repoRoot(), '.cache', 'search-corpus', String(documents));
  const filesDir = join(base, 'files');
  const manifestPath = join(base, 'manifest.json');
  if (existsSync(manifestPath) && existsSync(filesDir) && JSON.parse(readFileSync(manifestPath, 'utf8')).generatorVersion === generatorVersion()) return filesDir;
  process.stderr.write(`bench:search: generating the corpus into ${base}\n`);
  let last = 0;
  const manifest = await buildSet(filesDir, 'search', corpus.specs, {
    onFile: (done, total, path) => {
      if (Date.now() - last > 3000 || done === total) {
        last = Date.now();
        process.stderr.write(`  ${done}/${total} ${path}\n`);
      }
    },
  });
  writeManifest(manifestPath, manifest);
  return filesDir;
}

interface IndexSummary {
  files: number;
  indexed: number;
  failed: unknown[];
  ocrPages: number;
  seconds: number;
}

/** `cis index` in its own process, as a user runs it. */
function localIndex(dir: string, db: string): Promise<IndexSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/processor/src/programs/cli/main.ts', 'index', dir, '--db', db, '--json'], {
      cwd: repoRoot(),
      env: { ...process.env, INIT_CWD: repoRoot() },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as IndexSummary) : reject(new Error(`cis index exited with ${code}`))));
  });
}

/** Every document of the local index, as the worker would have stored it (vectors aside: text search only). */
function localDocuments(db: string): IndexDocument[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    const rows = sqlite.prepare('SELECT id, path, name, size, mtime, sha256, mime, kind, pages, text, ocr_pages, status, reason, language, indexed_at FROM docs').all() as Array<Record<string, any>>;
    return rows.map((r) => ({
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
      ocrPages: JSON.parse(r.ocr_pages),
      status: r.status,
      language: r.language,
      ...(r.reason ? { reason: r.reason } : {}),
      indexedAt: r.indexed_at,
    }));
  } finally {
    sqlite.close();
  }
}

async function writeAll(index: OpenSearchIndex, docs: IndexDocument[]): Promise<void> {
  const writer = new BulkWriter(index, { maxBytes: 5_000_000, lingerMs: 50, retryBudgetMs: 60_000 });
  const results = await Promise.all(docs.map((d) => writer.put(d)));
  const refused = results.filter((r) => !r.ok);
  if (refused.length > 0) throw new Error(`${refused.length} documents not stored, e.g. ${refused[0]!.error}`);
}

/** Upload, one message per file, the worker until every message is handled. */
async function throughWorker(name: string, filesDir: string, corpus: SearchCorpus, prefix: string, analyzer: string): Promise<void> {
  const tb = testbedEnv();
  const sqs = new SQSClient({});
  const s3 = new S3Client({ forcePathStyle: true });
  try {
    const { queueUrl, dlqUrl } = await createQueuePair(sqs, name, { visibilityTimeoutS: 900 });
    await uploadFiles(s3, tb.bucket, filesDir, corpus.docs.map((d) => d.path), prefix);
    await sendMessages(sqs, queueUrl, await upsertMessagesFor(s3, tb.bucket, prefix));
    const settings = workerSettings({
      ...process.env,
      CIS_QUEUE_URL: queueUrl,
      CIS_DLQ_URL: dlqUrl,
      CIS_BUCKET: tb.bucket,
      CIS_OPENSEARCH_INDEX: name,
      CIS_OPENSEARCH_SHARDS: '1',
      CIS_OPENSEARCH_REPLICAS: '0',
      CIS_OPENSEARCH_ANALYZER: analyzer,
      CIS_SPOT_POLL: 'false',
      CIS_METRICS: 'false',
      CIS_EMBED_IMAGES: 'false',
    });
    const { worker, done } = await startWorker(settings, log);
    let handled = 0;
    worker.on('message_processed', () => handled++);
    const deadline = Date.now() + 60 * 60_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      const c = await queueCounts(sqs, queueUrl);
      if (handled >= corpus.docs.length && c.visible + c.inFlight === 0) break;
    }
    await worker.stop('bench done');
    await done;
  } finally {
    sqs.destroy();
    s3.destroy();
  }
}

/** `cis search <query> --json --limit 1000 …` in this process; the paths of the hits. */
async function cliSearch(query: string, args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
  try {
    const code = await cis(['search', query, '--json', '--limit', String(LIMIT), ...args]);
    if (code !== 0) throw new Error(`cis search ${query} ${args.join(' ')} exited with ${code}`);
  } finally {
    process.stdout.write = write;
    process.env = saved;
  }
  return (JSON.parse(chunks.join('')) as { hits: Array<{ path: string }> }).hits.map((h) => h.path);
}

/** The query before template version 2: a term matched as kuromoji words (AND), as bigrams, or in the name or path. */
async function beforeV2Search(client: ReturnType<typeof createOpenSearchClient>, index: string, query: string): Promise<string[]> {
  const terms = query
    .normalize('NFKC')
    .split(/\s+/)
    .filter(Boolean);
  const must = terms.map((term) => ({
    bool: {
      should: [
        { match: { text: { query: term, operator: 'and', boost: 2 } } },
        { match_phrase: { 'text.ngram': { query: term } } },
        { match: { name: { query: term, operator: 'and', boost: 3 } } },
        { match_phrase: { 'name.ngram': { query: term, boost: 2 } } },
        { match_phrase: { path: { query: term } } },
      ],
      minimum_should_match: 1,
    },
  }));
  const res = await client.search({ index, body: { size: LIMIT, _source: ['path'], query: { bool: { must } } } as never });
  return (res.body.hits.hits as Array<{ _source?: { path?: string } }>).map((h) => h._source?.path ?? '');
}

interface QueryRun {
  q: SearchQuery;
  relevant: Set<string>;
  hits: Record<Mode, string[]>;
}

interface Score {
  queries: number;
  relevant: number;
  retrieved: number;
  correct: number;
}

const precision = (s: Score) => (s.retrieved === 0 ? 1 : s.correct / s.retrieved);
const recall = (s: Score) => (s.relevant === 0 ? 1 : s.correct / s.relevant);

function score(runs: QueryRun[], mode: Mode): Score {
  const s: Score = { queries: runs.length, relevant: 0, retrieved: 0, correct: 0 };
  for (const r of runs) {
    const hits = new Set(r.hits[mode]);
    s.relevant += r.relevant.size;
    s.retrieved += hits.size;
    s.correct += [...hits].filter((h) => r.relevant.has(h)).length;
  }
  return s;
}

function format(corpus: SearchCorpus, runs: QueryRun[], info: { indexed: IndexSummary; analyzer: string; worker: boolean }): { text: string; json: unknown } {
  const modes: Mode[] = ['local', 'aws', 'before'];
  const groups: Array<[string, QueryRun[]]> = [...CATEGORIES.map((c): [string, QueryRun[]] => [c, runs.filter((r) => r.q.category === c)]), ['overall', runs]];
  const cell = (s: Score) => `${precision(s).toFixed(3)} ${recall(s).toFixed(3)}`;
  const scans = corpus.docs.filter((d) => d.scanned).length;
  const lines = [
    `search bench: ${corpus.docs.length} documents (${scans} scans read by OCR: ${info.indexed.ocrPages} pages), ${runs.length} queries; answers computed from the generated text`,
    `  local: cis index (${info.indexed.indexed} indexed, ${info.indexed.failed.length} failed, ${info.indexed.seconds.toFixed(1)} s) + cis search --db (SQLite FTS5 trigram)`,
    `  AWS:   testbed OpenSearch 2.19.1, template v${TEMPLATE_VERSION}, analyser ${info.analyzer}, + cis search --opensearch; documents ${info.worker ? 'through S3, SQS and the worker' : 'from the local index through the worker\'s bulk writer (same text)'}`,
    `  AWS before v2: the same documents, template v1 (kuromoji) and the query before issue 15 (kuromoji words with AND as one way to match)`,
    '',
    `${' '.repeat(33)}${modes.map((m) => MODE_LABEL[m].padEnd(18)).join('')}`.trimEnd(),
    `  category     queries relevant  ${modes.map(() => 'P     R'.padEnd(18)).join('')}`.trimEnd(),
    ...groups.map(([label, rs]) => {
      const base = score(rs, 'local');
      return `  ${label.padEnd(12)} ${String(rs.length).padStart(7)} ${String(base.relevant).padStart(8)}  ${modes.map((m) => cell(score(rs, m)).padEnd(18)).join('')}`.trimEnd();
    }),
    '',
    `  target: precision ≥ 0.95 at recall ≥ 0.98 — ${(['local', 'aws'] as Mode[]).map((m) => `${MODE_LABEL[m]}: ${precision(score(runs, m)) >= 0.95 && recall(score(runs, m)) >= 0.98 ? 'met' : 'NOT met'}`).join(', ')}`,
    '',
    '  queries with misses (−) or extra hits (+):',
  ];
  const describe = (r: QueryRun, m: Mode) => {
    const hits = new Set(r.hits[m]);
    const missed = [...r.relevant].filter((p) => !hits.has(p));
    const extra = [...hits].filter((p) => !r.relevant.has(p));
    if (missed.length === 0 && extra.length === 0) return undefined;
    const sample = (xs: string[]) => xs.slice(0, 3).join(', ') + (xs.length > 3 ? ', …' : '');
    return `${m} ${missed.length ? `−${missed.length} (${sample(missed)})` : ''}${missed.length && extra.length ? ' ' : ''}${extra.length ? `+${extra.length} (${sample(extra)})` : ''}`;
  };
  for (const r of runs) {
    const parts = modes.map((m) => describe(r, m)).filter(Boolean);
    if (parts.length > 0) lines.push(`    ${r.q.category.padEnd(12)} ${r.q.query.padEnd(28)} ${parts.join(' | ')}`);
  }
  lines.push('');
  const json = {
    documents: corpus.docs.length,
    scans,
    queries: runs.length,
    analyzer: info.analyzer,
    throughWorker: info.worker,
    categories: Object.fromEntries(groups.map(([label, rs]) => [label, Object.fromEntries(modes.map((m) => [m, { ...score(rs, m), precision: precision(score(rs, m)), recall: recall(score(rs, m)) }]))])),
    perQuery: runs.map((r) => ({ category: r.q.category as QueryCategory, query: r.q.query, relevant: r.relevant.size, ...Object.fromEntries(modes.map((m) => [m, r.hits[m].length])) })),
  };
  return { text: lines.join('\n'), json };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:search: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
