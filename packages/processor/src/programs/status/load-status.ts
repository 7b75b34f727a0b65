import { DescribeAutoScalingGroupsCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { errorMessage } from '../../core/errors';
import { fleetCost } from '../capacity/cost';
import { FLEET_DEFAULTS, INSTANCE_TYPES } from '../capacity/fleet';

/** A part of the view that could not be shown, and why (not configured, not reachable). */
export interface NotAvailable {
  available: false;
  why: string;
}

export interface QueuePart {
  available: true;
  visible: number;
  inFlight: number;
  delayed: number;
  dlq: number | NotAvailable;
}

export interface IndexPart {
  available: true;
  documents: number;
  /** Documents per minute over the window; undefined until two samples (or an indexedAt count) exist. */
  perMinute?: number;
  windowMinutes: number;
  /** Epoch ms of the first document's indexedAt: when the load started, as far as the index knows. */
  firstIndexedAt?: number;
}

export interface GroupPart {
  available: true;
  name: string;
  min: number;
  max: number;
  desired: number;
  inService: number;
  /** Split of the in-service instances by the group's instances distribution (base + percentage above it). */
  onDemand: number;
  spot: number;
  instanceType: string;
}

export interface CostPart {
  available: true;
  perHour: number;
  soFar: number;
  projected?: number;
  basis: string;
}

export interface LoadStatus {
  at: string;
  queue: QueuePart | NotAvailable;
  index: IndexPart | NotAvailable;
  /** Minutes until the queue is empty at the current rate. */
  etaMinutes?: number;
  group: GroupPart | NotAvailable;
  cost: CostPart | NotAvailable;
}

export interface StatusSources {
  sqs?: SQSClient;
  queueUrl?: string;
  dlqUrl?: string;
  opensearch?: OpenSearchClient;
  index?: string;
  autoScaling?: AutoScalingClient;
  groupName?: string;
  /** Rate window, minutes. */
  windowMinutes: number;
  spotDiscount?: number;
  now?: () => number;
}

/** Previous document counts, kept by `--watch` so the rate is the count's own change. */
export type CountSamples = Array<{ at: number; documents: number }>;

const na = (why: string): NotAvailable => ({ available: false, why });

/**
 * The operator's view of a running load, read from the services themselves: SQS queue
 * attributes, the OpenSearch document count (and its indexedAt field for the rate), and the
 * Auto Scaling group; cost from the planner's prices. A part that is not configured or does not
 * answer is reported as not available with the reason; the others are still shown.
 */
export async function loadStatus(src: StatusSources, samples?: CountSamples): Promise<LoadStatus> {
  const now = (src.now ?? Date.now)();
  const [queue, index, group] = await Promise.all([queuePart(src), indexPart(src, now, samples), groupPart(src)]);
  const remaining = queue.available ? queue.visible + queue.inFlight + queue.delayed : undefined;
  const rate = index.available ? index.perMinute : undefined;
  const etaMinutes = remaining !== undefined && rate !== undefined && rate > 0 ? remaining / rate : remaining === 0 ? 0 : undefined;
  return { at: new Date(now).toISOString(), queue, index, etaMinutes, group, cost: costPart(group, index, etaMinutes, now, src.spotDiscount ?? FLEET_DEFAULTS.spotDiscount) };
}

async function queueCounts(sqs: SQSClient, url: string): Promise<{ visible: number; inFlight: number; delayed: number }> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  const a = out.Attributes ?? {};
  return { visible: Number(a.ApproximateNumberOfMessages ?? 0), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0), delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0) };
}

async function queuePart(src: StatusSources): Promise<QueuePart | NotAvailable> {
  if (!src.sqs || !src.queueUrl) return na('no queue configured (CIS_QUEUE_URL)');
  try {
    const q = await queueCounts(src.sqs, src.queueUrl);
    let dlq: number | NotAvailable = na('no dead-letter queue configured (CIS_DLQ_URL, or a redrive policy)');
    if (src.dlqUrl) {
      dlq = await queueCounts(src.sqs, src.dlqUrl).then(
        (d) => d.visible + d.inFlight + d.delayed,
        (err: unknown) => na(`DLQ: ${errorMessage(err)}`),
      );
    }
    return { available: true, ...q, dlq };
  } catch (err) {
    return na(`queue: ${errorMessage(err)}`);
  }
}

async function indexPart(src: StatusSources, now: number, samples?: CountSamples): Promise<IndexPart | NotAvailable> {
  if (!src.opensearch || !src.index) return na('no OpenSearch configured (CIS_OPENSEARCH_URL)');
  const client = src.opensearch;
  const windowMs = src.windowMinutes * 60_000;
  try {
    const documents = Number((await client.count({ index: src.index })).body.count);
    let perMinute: number | undefined;
    if (samples) {
      samples.push({ at: now, documents });
      while (samples.length > 2 && samples[1].at <= now - windowMs) samples.shift();
      const first = samples[0];
      if (now > first.at) perMinute = ((documents - first.documents) * 60_000) / (now - first.at);
    }
    // One shot (or the first watch sample): documents whose indexedAt falls in the window.
    const agg = await client.search({
      index: src.index,
      body: {
        size: 0,
        track_total_hits: true,
        query: { range: { indexedAt: { gte: new Date(now - windowMs).toISOString() } } },
      },
    });
    const recent = Number((agg.body.hits.total as { value: number }).value);
    perMinute ??= recent / src.windowMinutes;
    // The typed client's MinAggregation lacks `field` (it is in the API): hence the cast.
    const firstAll = await client.search({ index: src.index, body: { size: 0, aggs: { first: { min: { field: 'indexedAt' } } } } as never });
    const firstIndexedAt = (firstAll.body.aggregations as { first?: { value: number | null } } | undefined)?.first?.value ?? undefined;
    return { available: true, documents, perMinute, windowMinutes: src.windowMinutes, firstIndexedAt: firstIndexedAt ?? undefined };
  } catch (err) {
    return na(`index: ${errorMessage(err)}`);
  }
}

async function groupPart(src: StatusSources): Promise<GroupPart | NotAvailable> {
  if (!src.autoScaling || !src.groupName) return na('no Auto Scaling group configured (CIS_AUTOSCALING_GROUP_NAME)');
  try {
    const out = await src.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [src.groupName] }));
    const g = out.AutoScalingGroups?.[0];
    if (!g) return na(`no Auto Scaling group named ${src.groupName}`);
    const inService = (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService');
    const dist = g.MixedInstancesPolicy?.InstancesDistribution;
    // The group buys the base on demand and this percentage of the rest; a group without a mixed policy is all on demand.
    const base = dist ? (dist.OnDemandBaseCapacity ?? 0) : Infinity;
    const above = dist ? (dist.OnDemandPercentageAboveBaseCapacity ?? 100) : 100;
    const n = inService.length;
    const onDemand = Math.min(n, base) + Math.ceil((Math.max(0, n - base) * above) / 100);
    const types = inService.map((i) => i.InstanceType).filter((t): t is string => !!t);
    return {
      available: true,
      name: src.groupName,
      min: g.MinSize ?? 0,
      max: g.MaxSize ?? 0,
      desired: g.DesiredCapacity ?? 0,
      inService: n,
      onDemand,
      spot: n - onDemand,
      instanceType: mostCommon(types) ?? FLEET_DEFAULTS.instanceType,
    };
  } catch (err) {
    return na(`Auto Scaling: ${errorMessage(err)}`);
  }
}

function costPart(group: GroupPart | NotAvailable, index: IndexPart | NotAvailable, etaMinutes: number | undefined, now: number, spotDiscount: number): CostPart | NotAvailable {
  if (!group.available) return na('needs the group (instances and their type)');
  const type = INSTANCE_TYPES[group.instanceType];
  if (!type) return na(`no planner price for ${group.instanceType}`);
  const perHour = fleetCost({ instances: group.inService, hours: 1, pricePerHour: type.pricePerHour, onDemandBase: group.onDemand, spotDiscount });
  const hoursSoFar = index.available && index.firstIndexedAt !== undefined ? Math.max(0, now - index.firstIndexedAt) / 3_600_000 : 0;
  return {
    available: true,
    perHour,
    soFar: perHour * hoursSoFar,
    projected: etaMinutes !== undefined ? perHour * (hoursSoFar + etaMinutes / 60) : undefined,
    basis: `${group.inService} × ${group.instanceType} at $${type.pricePerHour}/h on demand, spot ${Math.round(spotDiscount * 100)}% off, since the first document (${hoursSoFar.toFixed(2)} h)`,
  };
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** The status as a table (what `cis status` prints; --watch redraws it in place). */
export function renderStatus(s: LoadStatus): string {
  const rows: Array<[string, string]> = [];
  const q = s.queue;
  if (q.available) {
    rows.push(['queue visible', fmt(q.visible)], ['queue in flight', fmt(q.inFlight)]);
    if (q.delayed > 0) rows.push(['queue delayed', fmt(q.delayed)]);
    rows.push(['dead-letter queue', typeof q.dlq === 'number' ? fmt(q.dlq) : `n/a (${q.dlq.why})`]);
  } else rows.push(['queue', `n/a (${q.why})`]);
  const i = s.index;
  if (i.available) {
    rows.push(['documents indexed', fmt(i.documents)]);
    rows.push([`rate (last ${i.windowMinutes} min)`, i.perMinute !== undefined ? `${fmt(Math.round(i.perMinute))} docs/min` : 'n/a (needs a second sample)']);
  } else rows.push(['index', `n/a (${i.why})`]);
  rows.push(['ETA', s.etaMinutes !== undefined ? duration(s.etaMinutes) : 'n/a (no rate yet)']);
  const g = s.group;
  if (g.available) {
    rows.push(['group', `${g.name} (min ${g.min}, max ${g.max})`]);
    rows.push(['instances desired / in service', `${g.desired} / ${g.inService}`]);
    rows.push(['on demand / spot', `${g.onDemand} / ${g.spot} (${g.instanceType})`]);
  } else rows.push(['group', `n/a (${g.why})`]);
  const c = s.cost;
  if (c.available) {
    rows.push(['cost per hour', usd(c.perHour)], ['cost so far', usd(c.soFar)], ['cost projected', c.projected !== undefined ? usd(c.projected) : 'n/a (no ETA)']);
  } else rows.push(['cost', `n/a (${c.why})`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return [`cis status at ${s.at}`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n') + '\n';
}

const fmt = (n: number) => n.toLocaleString('en-US');
const usd = (n: number) => `$${n.toFixed(2)}`;

function duration(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  if (minutes < 120) return `${Math.round(minutes)} min`;
  const h = Math.floor(minutes / 60);
  return h < 48 ? `${h} h ${Math.round(minutes - h * 60)} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}
