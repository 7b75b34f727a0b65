import type { Client } from '@opensearch-project/opensearch';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { statusOf, type OpenSearchIndex } from './opensearch-index';
import { generationOf, TEMPLATE_VERSION, versionedIndexName } from './opensearch-mapping';
import { readIndexSettings, type IndexRuntimeSettings } from './opensearch-settings';

/** Where the documents are and where they go. */
export interface MigrationPlan {
  /** The name workers and searches use. */
  alias: string;
  /** The concrete index read from. */
  source: string;
  /**
   * The source is a concrete index under the alias's own name (created before version 2 of the
   * template): it is cloned to `retired` at the end and removed in the same request that
   * creates the alias.
   */
  legacy: boolean;
  /** The new concrete index, created from the current template. */
  target: string;
  /** Where the old documents stay, read-only, until the operator deletes the index. */
  retired: string;
  sourceVersion: number;
  targetVersion: number;
}

export type PassKind = 'copy' | 'catch-up' | 'final catch-up';

/** One `_reindex` run, as its task reported it. */
export interface PassResult {
  pass: PassKind;
  total: number;
  created: number;
  updated: number;
  /** Documents the target already holds in a newer version: nothing to do. */
  conflicts: number;
  ms: number;
}

export interface MigrationResult extends MigrationPlan {
  passes: PassResult[];
  /** Copies of documents deleted from the source during the copy, deleted from the target. */
  staleDeleted: number;
  /** Such copies a worker rewrote after the swap: its write wins. */
  rewrittenMeanwhile: number;
  /** Documents behind the alias at the end. */
  documents: number;
  seconds: number;
}

export type MigrationStep = 'create' | PassKind | 'freeze' | 'clone' | 'swap' | 'reconcile';

export interface MigrationEvents {
  step: [{ step: MigrationStep; plan: MigrationPlan }];
  /** While a pass runs, every poll of its task. */
  progress: [{ pass: PassKind; total: number; done: number; ms: number }];
  pass: [PassResult];
}

export interface MigrationOptions {
  /**
   * A catch-up pass copies documents indexed since the previous pass started, minus this
   * margin: a worker stamps `indexedAt` before its bulk request, which may wait in retries
   * (CIS_INDEX_RETRY_S, 300 s by default) before it lands. Clocks of the workers count too.
   */
  catchUpMarginMs: number;
  /** How often a running reindex task is polled. */
  pollMs: number;
  /** Documents per scroll page and per existence check while reconciling deletes. */
  batch?: number;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * Moves the documents behind an index name into a new concrete index of the current template,
 * without deleting data and without a moment where searches or workers find no index:
 *
 * 1. create `<alias>-vN+1` from the template (no refresh, no replicas while copying), with any
 *    field the source has that the template lacks (vector fields added at run time);
 * 2. copy: an asynchronous `_reindex` keeping each document's external version (the file's
 *    mtime), so a copy never replaces a newer version; each copy is marked `migratedFrom`;
 * 3. catch-up: the same for documents indexed since the previous pass started;
 * 4. freeze: the source refuses writes (workers see a retryable block and retry), a final
 *    catch-up copies what arrived meanwhile, the target gets the source's refresh and replica
 *    settings; a legacy source is cloned to its retired name;
 * 5. swap: one `_aliases` request points the name at the new index (and, for a legacy source,
 *    removes the concrete index of that name): readers and writers move at once;
 * 6. reconcile: a marked copy whose document is no longer in the retired index was deleted
 *    during the copy; it is deleted from the new index unless a worker rewrote it since
 *    (conditional on its sequence number).
 *
 * The retired index keeps the old documents, read-only, until the operator deletes it. Before
 * the swap, a failure deletes the new index and lifts the source's write block: nothing changed.
 */
export class IndexMigration extends EventEmitter<MigrationEvents> {
  private readonly passes: PassResult[] = [];
  private lastPassStartedAt = 0;
  private sourceSettings: IndexRuntimeSettings | undefined;
  private cloned = false;

  private constructor(
    private readonly index: OpenSearchIndex,
    readonly plan: MigrationPlan,
    private readonly opts: MigrationOptions,
  ) {
    super();
  }

  private get client(): Client {
    return this.index.client;
  }

  /** Finds the source behind the index's name and names the new and the retired index. */
  static async plan(index: OpenSearchIndex, opts: MigrationOptions): Promise<IndexMigration> {
    const state = await readIndexState(index);
    const next = state.maxGeneration + 1;
    const plan: MigrationPlan = state.legacy
      ? { alias: index.name, source: index.name, legacy: true, retired: versionedIndexName(index.name, next), target: versionedIndexName(index.name, next + 1), sourceVersion: state.version, targetVersion: TEMPLATE_VERSION }
      : { alias: index.name, source: state.concrete, legacy: false, retired: state.concrete, target: versionedIndexName(index.name, next), sourceVersion: state.version, targetVersion: TEMPLATE_VERSION };
    return new IndexMigration(index, plan, opts);
  }

  /** Every step in order; see the class comment. */
  async run(): Promise<MigrationResult> {
    const started = Date.now();
    let swapped = false;
    try {
      await this.createTarget();
      await this.copy();
      await this.catchUp();
      await this.freezeAndSwap();
      swapped = true;
    } catch (err) {
      if (!swapped) await this.rollBack();
      throw err;
    }
    const reconciled = await this.reconcile();
    await this.client.indices.refresh({ index: this.plan.alias });
    const documents = (await this.client.count({ index: this.plan.alias })).body.count;
    return { ...this.plan, passes: this.passes, ...reconciled, documents, seconds: (Date.now() - started) / 1000 };
  }

  async createTarget(): Promise<void> {
    const { client, plan } = this;
    this.emit('step', { step: 'create', plan });
    await this.index.ensureTemplate();
    this.sourceSettings = await readIndexSettings(client, plan.source);
    await client.indices.create({ index: plan.target, body: { settings: { index: { refresh_interval: '-1', number_of_replicas: 0 } } } as never });
    const [source, target] = await Promise.all([properties(client, plan.source), properties(client, plan.target)]);
    const missing = Object.fromEntries(Object.entries(source).filter(([field]) => !(field in target)));
    if (Object.keys(missing).length > 0) await client.indices.putMapping({ index: plan.target, body: { properties: missing } as never });
  }

  /** The first pass: every document. */
  copy(): Promise<PassResult> {
    return this.pass('copy');
  }

  /** Documents indexed since the previous pass started (less the margin). */
  catchUp(): Promise<PassResult> {
    return this.pass('catch-up', this.lastPassStartedAt - this.opts.catchUpMarginMs);
  }

  /** Freeze the source, final catch-up, settings, clone (legacy), swap. */
  async freezeAndSwap(): Promise<void> {
    const { client, plan } = this;
    this.emit('step', { step: 'freeze', plan });
    await client.indices.putSettings({ index: plan.source, body: { index: { blocks: { write: true } } } as never });
    await this.pass('final catch-up', this.lastPassStartedAt - this.opts.catchUpMarginMs);
    const runtime = this.sourceSettings ?? (await readIndexSettings(client, plan.source));
    await client.indices.putSettings({ index: plan.target, body: { index: { refresh_interval: runtime.refreshInterval, number_of_replicas: runtime.replicas } } as never });
    await client.indices.refresh({ index: plan.target });
    if (plan.legacy) {
      this.emit('step', { step: 'clone', plan });
      // The clone keeps the source's write block: the retired index stays read-only.
      await client.indices.clone({ index: plan.source, target: plan.retired });
      this.cloned = true;
    }
    this.emit('step', { step: 'swap', plan });
    const away = plan.legacy ? { remove_index: { index: plan.source } } : { remove: { index: plan.source, alias: plan.alias } };
    await client.indices.updateAliases({ body: { actions: [{ add: { index: plan.target, alias: plan.alias, is_write_index: true } }, away] } as never });
  }

  /** Deletes the marked copies of documents the retired index no longer holds. */
  async reconcile(): Promise<{ staleDeleted: number; rewrittenMeanwhile: number }> {
    const { client, plan } = this;
    this.emit('step', { step: 'reconcile', plan });
    const batch = this.opts.batch ?? 1000;
    let staleDeleted = 0;
    let rewrittenMeanwhile = 0;
    let res = await client.search({
      index: plan.target,
      scroll: '2m',
      size: batch,
      _source: false,
      seq_no_primary_term: true,
      body: { query: { term: { migratedFrom: plan.retired } }, sort: ['_doc'] },
    });
    try {
      for (;;) {
        const hits = res.body.hits.hits as Array<{ _id: string; _seq_no: number; _primary_term: number }>;
        if (hits.length === 0) break;
        const { body } = await client.mget({ index: plan.retired, body: { ids: hits.map((h) => h._id) }, _source: false });
        const found = new Set((body.docs as Array<{ _id: string; found?: boolean }>).filter((d) => d.found).map((d) => d._id));
        const gone = hits.filter((h) => !found.has(h._id));
        if (gone.length > 0) {
          const lines = gone.map((h) => `${JSON.stringify({ delete: { _index: plan.target, _id: h._id, if_seq_no: h._seq_no, if_primary_term: h._primary_term } })}\n`);
          const { body: bulk } = await client.transport.request({ method: 'POST', path: '/_bulk', bulkBody: lines.join('') });
          for (const item of (bulk as { items: Array<{ delete: { status: number; error?: { reason?: string } } }> }).items) {
            const { status, error } = item.delete;
            if (status === 200) staleDeleted++;
            // 404: a worker deleted it meanwhile, as wanted; 409: a worker rewrote it, its write wins.
            else if (status === 409) rewrittenMeanwhile++;
            else if (status !== 404) throw new MigrationError(`deleting a stale copy from ${plan.target} failed (${status}): ${error?.reason ?? 'no reason given'}`);
          }
        }
        res = await client.scroll({ scroll_id: res.body._scroll_id!, scroll: '2m' });
      }
    } finally {
      if (res.body._scroll_id) await client.clearScroll({ scroll_id: res.body._scroll_id }).catch(() => {});
    }
    return { staleDeleted, rewrittenMeanwhile };
  }

  /**
   * After a failure before the swap (run() calls it): remove what this migration made (the
   * target, a legacy source's clone) and let the source take writes again. When the swap
   * request failed on the way back but the cluster applied it, the name already points to the
   * target: then nothing is undone.
   */
  async rollBack(): Promise<void> {
    const { client, plan } = this;
    const aliased = await client.indices
      .getAlias({ name: plan.alias })
      .then((res) => Object.keys(res.body))
      .catch(() => [] as string[]);
    if (aliased.includes(plan.target)) return;
    await client.indices.putSettings({ index: plan.source, body: { index: { blocks: { write: null } } } as never }).catch(() => {});
    await client.indices.delete({ index: plan.target }).catch(() => {});
    if (this.cloned) await client.indices.delete({ index: plan.retired }).catch(() => {});
  }

  private async pass(kind: PassKind, since?: number): Promise<PassResult> {
    const { client, plan } = this;
    this.emit('step', { step: kind, plan });
    const started = Date.now();
    // _reindex reads through a search: without a refresh it would miss what the workers wrote
    // since the source's last one (30 s apart in initial-load mode), the frozen final writes too.
    await client.indices.refresh({ index: plan.source });
    const query = since === undefined ? undefined : { range: { indexedAt: { gte: new Date(since).toISOString() } } };
    const { body } = await client.reindex({
      wait_for_completion: false,
      slices: 'auto',
      body: {
        // A version conflict means the target holds that version or a newer one: skip it.
        conflicts: 'proceed',
        source: { index: plan.source, size: 1000, ...(query ? { query } : {}) },
        // external_gte keeps the workers' versions (mtime): a copy never replaces a newer
        // document, and a same-version rewrite (a file processed again) is carried over.
        dest: { index: plan.target, version_type: 'external_gte' },
        script: { lang: 'painless', source: 'ctx._source.migratedFrom = params.retired', params: { retired: plan.retired } },
      } as never,
    });
    const task = (body as { task?: string }).task;
    if (!task) throw new MigrationError(`_reindex did not start a task: ${JSON.stringify(body)}`);
    const result = { pass: kind, ...(await this.follow(task, kind, started)) };
    this.lastPassStartedAt = started;
    this.passes.push(result);
    this.emit('pass', result);
    return result;
  }

  private async follow(task: string, kind: PassKind, started: number): Promise<Omit<PassResult, 'pass'>> {
    for (;;) {
      const { body } = await this.client.tasks.get({ task_id: task });
      const status = (body.completed ? body.response : body.task.status) as ReindexStatus | undefined;
      const counts = { total: status?.total ?? 0, created: status?.created ?? 0, updated: status?.updated ?? 0, conflicts: status?.version_conflicts ?? 0 };
      const ms = Date.now() - started;
      this.emit('progress', { pass: kind, total: counts.total, done: counts.created + counts.updated + counts.conflicts, ms });
      if (body.completed) {
        if (body.error) throw new MigrationError(`${kind} (${task}) failed: ${body.error.type}: ${body.error.reason}`);
        const failures = status?.failures ?? [];
        if (failures.length > 0) {
          const first = failures[0]!;
          throw new MigrationError(`${kind} (${task}): ${failures.length} document(s) not copied, e.g. ${first.id}: ${first.cause?.type}: ${first.cause?.reason}`);
        }
        return { ...counts, ms };
      }
      await sleep(this.opts.pollMs);
    }
  }
}

interface ReindexStatus {
  total?: number;
  created?: number;
  updated?: number;
  version_conflicts?: number;
  failures?: Array<{ id?: string; cause?: { type?: string; reason?: string } }>;
}

/** What the name stands for now. */
export interface IndexState {
  alias: string;
  /** The concrete index the name resolves to (the name itself for a legacy index). */
  concrete: string;
  legacy: boolean;
  /** The template version it was created with. */
  version: number;
  currentVersion: number;
  /** `<alias>-vN` indexes the name does not point to: retired by a migration, or left by a failed one. */
  others: string[];
  maxGeneration: number;
}

export async function readIndexState(index: OpenSearchIndex): Promise<IndexState> {
  const { client, name: alias } = index;
  let concrete: string;
  let legacy = false;
  try {
    const names = Object.keys((await client.indices.getAlias({ name: alias })).body);
    if (names.length !== 1) throw new MigrationError(`${alias} is an alias of ${names.length} indexes (${names.join(', ')}); expected one`);
    concrete = names[0]!;
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
    if (!(await client.indices.exists({ index: alias })).body) throw new MigrationError(`no index ${alias}: nothing to migrate (workers create it when they start)`);
    concrete = alias;
    legacy = true;
  }
  const versions = await index.mappingVersions();
  const all = Object.keys((await client.indices.get({ index: `${alias}-v*`, expand_wildcards: 'all' })).body);
  const generations = all.map((n) => generationOf(alias, n)).filter((g): g is number => g !== undefined);
  return {
    alias,
    concrete,
    legacy,
    version: versions[concrete] ?? 1,
    currentVersion: TEMPLATE_VERSION,
    others: all.filter((n) => n !== concrete && generationOf(alias, n) !== undefined).sort(),
    maxGeneration: Math.max(0, ...generations),
  };
}

async function properties(client: Client, index: string): Promise<Record<string, unknown>> {
  const { body } = await client.indices.getMapping({ index });
  const entry = Object.values(body as Record<string, { mappings?: { properties?: Record<string, unknown> } }>)[0];
  if (!entry) throw new MigrationError(`no mapping for ${index}`);
  return entry.mappings?.properties ?? {};
}
