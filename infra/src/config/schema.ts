import { SCALING_DEFAULTS, WORKER_DEFAULTS } from '@cis/processor';
import { z } from 'zod';
import { defaultBedrockRegion, EMBEDDING_MODEL_ID, TITAN_MULTIMODAL_REGIONS } from './bedrock';

/**
 * One environment's settings. Every number the stacks render comes from here; defaults are the
 * values the capacity planner (packages/processor/src/programs/capacity/fleet.ts) starts from.
 */

/** The retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const positiveInt = z.number().int().positive();
const percent = z.number().gt(0).lte(100);
const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'expected an AWS region such as ap-northeast-1');

const queueSchema = z.strictObject({
  /** The worker holds a message this long per receive and extends it by heartbeat while it works (its CIS_VISIBILITY_TIMEOUT_S). */
  visibilityTimeoutSeconds: z.number().int().min(30).max(43_200).default(WORKER_DEFAULTS.visibilityTimeoutSeconds),
  /** Receives before SQS moves a message to the dead-letter queue. */
  maxReceiveCount: z.number().int().min(1).max(1000).default(3),
  retentionDays: z.number().int().min(1).max(14).default(4),
  dlqRetentionDays: z.number().int().min(1).max(14).default(14),
});

const fleetSchema = z
  .strictObject({
    /** Types the Auto Scaling group may launch, in order of preference for on-demand capacity. */
    instanceTypes: z
      .array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'expected an EC2 instance type such as c5.xlarge'))
      .min(1)
      .default(['c5.xlarge', 'c5a.xlarge', 'c6i.xlarge']),
    minCapacity: z.number().int().min(0).default(2),
    maxCapacity: positiveInt.default(50),
    /** The group's maximum while `initialLoad` is on. */
    initialLoadMaxCapacity: positiveInt.default(150),
    onDemandBaseCapacity: z.number().int().min(0).default(2),
    onDemandPercentageAboveBaseCapacity: z.number().int().min(0).max(100).default(20),
    healthCheckGraceSeconds: z.number().int().min(0).max(7200).default(300),
    /**
     * How long a terminating instance waits in Terminating:Wait for its worker to drain. The worker
     * drains within workerDrainSeconds of SIGTERM; the rest covers noticing the state change.
     */
    drainTimeoutSeconds: z.number().int().min(30).max(7200).default(180),
    /** Seconds the worker has to release, flush and exit after SIGTERM (its CIS_DRAIN_DEADLINE_S). */
    workerDrainSeconds: z.number().int().min(10).max(3600).default(WORKER_DEFAULTS.drainDeadlineSeconds),
    rootVolumeGiB: z.number().int().min(8).max(16_384).default(50),
    /** Extra worker environment (CIS_OCR_THREADS, CIS_BEDROCK_RPS, …; see packages/processor/docs/worker.md). */
    workerEnvironment: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an upper-case variable name'), z.string()).default({}),
  })
  .superRefine((f, ctx) => {
    if (f.minCapacity > f.maxCapacity) ctx.addIssue({ code: 'custom', path: ['minCapacity'], message: `must not exceed maxCapacity (${f.maxCapacity})` });
    if (f.initialLoadMaxCapacity < f.maxCapacity) {
      ctx.addIssue({ code: 'custom', path: ['initialLoadMaxCapacity'], message: `must be at least maxCapacity (${f.maxCapacity})` });
    }
    if (f.onDemandBaseCapacity > f.maxCapacity) {
      ctx.addIssue({ code: 'custom', path: ['onDemandBaseCapacity'], message: `must not exceed maxCapacity (${f.maxCapacity})` });
    }
    // The hook must outlast: noticing the state (5 s poll), the drain, systemd's stop margin (20 s), the API call.
    if (f.drainTimeoutSeconds < f.workerDrainSeconds + 30) {
      ctx.addIssue({ code: 'custom', path: ['drainTimeoutSeconds'], message: `must be at least workerDrainSeconds + 30 (${f.workerDrainSeconds + 30}) so the drain can finish` });
    }
    if (new Set(f.instanceTypes).size !== f.instanceTypes.length) ctx.addIssue({ code: 'custom', path: ['instanceTypes'], message: 'lists a type twice' });
  });

const scalingSchema = z.strictObject({
  /** Visible messages per in-service instance the group tracks. */
  backlogPerInstance: positiveInt.default(SCALING_DEFAULTS.backlogPerInstance),
  cpuUtilizationPercent: percent.default(70),
  /** Files per hour per instance (CISFileSearch/ProcessingThroughput) the group tracks. */
  throughputPerInstance: positiveInt.default(500),
  /**
   * EC2 Auto Scaling target tracking has no cooldowns: a new instance's warm-up is what paces
   * scale-out (this is where a "60 s scale-out cooldown" goes). Scale-in needs the policy's own
   * low alarm to hold for 15 minutes, which is slower than any 300 s cooldown would be.
   */
  instanceWarmupSeconds: z.number().int().min(0).max(3600).default(SCALING_DEFAULTS.instanceWarmupSeconds),
});

const alarmsSchema = z.strictObject({
  email: z.email({ message: 'expected an e-mail address for alarm notifications' }),
  queueDepth: positiveInt.default(1000),
  /** Per-instance files/hour below which (while there is a backlog) the fleet is too slow. */
  minThroughputPerInstance: positiveInt.default(200),
  cpuPercent: percent.default(85),
  memoryPercent: percent.default(80),
  dlqMessages: z.number().int().min(0).default(10),
  /** Age of the oldest queued message that means files wait too long. */
  oldestMessageAgeSeconds: positiveInt.default(3600),
});

const existingOpenSearch = z.strictObject({
  mode: z.literal('existing'),
  endpoint: z.url({ protocol: /^https$/, message: 'expected an https:// OpenSearch endpoint' }),
  /** ARN of an Amazon OpenSearch Service domain: the workers get es:ESHttp* on it. Omit for a cluster that does not use IAM. */
  domainArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:es:[a-z0-9-]+:\d{12}:domain\/[a-z][a-z0-9-]{2,27}$/, 'expected arn:aws:es:<region>:<account>:domain/<name>')
    .optional(),
});

const createdOpenSearch = z
  .strictObject({
    mode: z.literal('create'),
    domainName: z.string().regex(/^[a-z][a-z0-9-]{2,27}$/, 'expected 3–28 lower-case letters, digits or hyphens, starting with a letter'),
    /** Amazon OpenSearch Service engine version; 2.x domains ship analysis-kuromoji and analysis-icu. */
    engineVersion: z.string().regex(/^OpenSearch_\d+\.\d+$/, 'expected OpenSearch_<major>.<minor>').default('OpenSearch_2.19'),
    dataNodeType: z.string().regex(/\.search$/, 'expected an OpenSearch instance type such as r6g.large.search').default('r6g.large.search'),
    dataNodes: positiveInt.default(2),
    /** Dedicated cluster-manager nodes (0 or 3 / 5). */
    masterNodes: z.union([z.literal(0), z.literal(3), z.literal(5)]).default(0),
    masterNodeType: z.string().regex(/\.search$/).default('m6g.large.search'),
    volumeGiB: positiveInt.default(100),
    /** Spread data nodes over two availability zones (needs an even number of data nodes). */
    zoneAwareness: z.boolean().default(false),
    /**
     * Fine-grained access control master user. Unset: the worker role is the master user (it
     * creates its own index template). Set to an admin role to keep the worker's rights narrow;
     * then map the worker role to a role in OpenSearch Security (infra/README.md).
     */
    masterUserArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, 'expected an IAM role or user ARN').optional(),
    /**
     * Create the account's OpenSearch service-linked role in this stack. Only for an account that
     * never had one (CloudFormation fails when it exists); otherwise create it once by hand
     * (`pnpm infra:preflight` says how) and leave this off.
     */
    createServiceLinkedRole: z.boolean().default(false),
  })
  .superRefine((o, ctx) => {
    if (o.zoneAwareness && o.dataNodes % 2 !== 0) ctx.addIssue({ code: 'custom', path: ['dataNodes'], message: 'must be even with zoneAwareness' });
  });

const openSearchSchema = z.discriminatedUnion('mode', [existingOpenSearch, createdOpenSearch]);

const networkSchema = z.strictObject({
  cidr: z.cidrv4({ message: 'expected an IPv4 CIDR such as 10.40.0.0/16' }).default('10.40.0.0/16'),
  /** Explicit zones keep synth offline (no lookup) when the environment names an account. */
  availabilityZones: z.array(z.string().regex(/^[a-z]{2}-[a-z]+-\d[a-z]$/, 'expected a zone name such as ap-northeast-1a')).min(1).max(6).optional(),
  maxAzs: z.number().int().min(1).max(6).default(2),
  /** NAT gateways for the workers' private subnets (1 saves money, one per zone survives a zone outage). */
  natGateways: z.number().int().min(1).max(6).default(1),
});

const bedrockSchema = z.strictObject({
  /**
   * Region the workers (and `cis similar --opensearch`) call Bedrock in. Default: the stack's own
   * region when it offers the embedding model, else us-east-1 (config/bedrock.ts).
   */
  region: awsRegion
    .refine((r) => TITAN_MULTIMODAL_REGIONS.includes(r), {
      message: `${EMBEDDING_MODEL_ID} is not offered there; expected one of ${TITAN_MULTIMODAL_REGIONS.join(', ')} (infra/src/config/bedrock.ts)`,
    })
    .optional(),
});

const costSchema = z.strictObject({
  /** Spot price as a discount on on-demand, 0–1 (FLEET_DEFAULTS.spotDiscount). */
  spotDiscount: z.number().min(0).max(1).default(0.7),
  /** Average instances over a month in steady state (the floor is minCapacity). */
  steadyStateInstances: z.number().min(0).optional(),
  /** Files to load in initial-load mode, for the cost of that load. */
  initialLoadFiles: positiveInt.default(1_000_000),
});

export const environmentSchema = z
  .strictObject({
    /** 12-digit account the stack may deploy to; unset: whatever the credentials point at. */
    account: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id').optional(),
    region: awsRegion,
    /** The bucket the scanner lists and the workers read. */
    sourceBucket: z.strictObject({
      name: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name'),
      /** KMS key of an SSE-KMS bucket: the workers get kms:Decrypt on it. */
      kmsKeyArn: z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, 'expected a KMS key ARN').optional(),
    }),
    /** Initial-load mode: the fleet may grow to initialLoadMaxCapacity and the index runs with bulk settings. */
    initialLoad: z.boolean().default(false),
    queue: queueSchema.prefault({}),
    fleet: fleetSchema.prefault({}),
    scaling: scalingSchema.prefault({}),
    alarms: alarmsSchema,
    opensearch: openSearchSchema,
    bedrock: bedrockSchema.prefault({}),
    network: networkSchema.prefault({}),
    cost: costSchema.prefault({}),
    /** Retention of every log group the stack creates (worker logs, EMF records, flow logs, OpenSearch logs). */
    logRetentionDays: z
      .number()
      .refine((d) => LOG_RETENTION_DAYS.includes(d), { message: `expected one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(', ')}` })
      .default(30),
    /** Keep queues, logs and the OpenSearch domain when the stack is deleted. */
    retainData: z.boolean().default(true),
  })
  .superRefine((e, ctx) => {
    if (e.network.availabilityZones && e.network.natGateways > e.network.availabilityZones.length) {
      ctx.addIssue({ code: 'custom', path: ['network', 'natGateways'], message: `must not exceed the number of availabilityZones (${e.network.availabilityZones.length})` });
    }
    if (e.opensearch.mode === 'create' && e.opensearch.zoneAwareness && (e.network.availabilityZones?.length ?? e.network.maxAzs) < 2) {
      ctx.addIssue({ code: 'custom', path: ['opensearch', 'zoneAwareness'], message: 'needs at least two availability zones' });
    }
  })
  .transform((e) => ({ ...e, bedrock: { region: e.bedrock.region ?? defaultBedrockRegion(e.region) } }));

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type EnvironmentSettings = z.output<typeof environmentSchema>;

/** The validated settings of one named environment, with the names derived from it. */
export interface EnvironmentConfig extends EnvironmentSettings {
  name: string;
  /** `CisIngest-<name>`. */
  stackName: string;
  /** Prefix of every physical name (queues, group, log groups, alarms): `cis-<name>`. */
  prefix: string;
}
