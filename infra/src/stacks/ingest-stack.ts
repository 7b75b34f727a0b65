import { WORKER_ENV } from '@cis/processor';
import { CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/schema';
import { FileQueues } from '../constructs/file-queues';
import { FleetScaling } from '../constructs/fleet-scaling';
import { Monitoring } from '../constructs/monitoring';
import { Network } from '../constructs/network';
import { SearchDomain } from '../constructs/search-domain';
import { WorkerBundle, type WorkerBundleProps } from '../constructs/worker-bundle';
import { WorkerFleet } from '../constructs/worker-fleet';
import { WorkerIdentity } from '../constructs/worker-identity';

export interface IngestStackProps extends StackProps {
  config: EnvironmentConfig;
  /** How the worker bundle is built (tests pass a stub). */
  bundle?: WorkerBundleProps;
}

/**
 * One environment of the ingest pipeline: file queues, the worker fleet and its scaling, the
 * OpenSearch domain (or the endpoint of an existing one), alarms and the dashboard. The stack
 * only wires constructs together; each construct owns one concern.
 */
export class IngestStack extends Stack {
  readonly config: EnvironmentConfig;
  readonly queues: FileQueues;
  readonly fleet: WorkerFleet;
  readonly scaling: FleetScaling;
  readonly monitoring: Monitoring;
  readonly search?: SearchDomain;

  constructor(scope: Construct, id: string, props: IngestStackProps) {
    super(scope, id, props);
    const c = (this.config = props.config);
    const removalPolicy = c.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = c.logRetentionDays as logs.RetentionDays;
    Tags.of(this).add('Project', 'cis-file-search');
    Tags.of(this).add('Environment', c.name);

    const network = new Network(this, 'Network', { prefix: c.prefix, ...c.network, logRetention, removalPolicy });
    this.queues = new FileQueues(this, 'FileQueues', { prefix: c.prefix, ...c.queue, removalPolicy });
    const bundle = new WorkerBundle(this, 'WorkerBundle', props.bundle);

    const identity = new WorkerIdentity(this, 'WorkerIdentity', { prefix: c.prefix, vpc: network.vpc });
    let opensearch: { endpoint: string; domainArn?: string };
    if (c.opensearch.mode === 'create') {
      this.search = new SearchDomain(this, 'Search', {
        ...c.opensearch,
        vpc: network.vpc,
        clientSecurityGroup: identity.securityGroup,
        clientRole: identity.role,
        logRetention,
        removalPolicy,
      });
      opensearch = { endpoint: this.search.endpointUrl, domainArn: this.search.domainArn };
    } else {
      opensearch = { endpoint: c.opensearch.endpoint, domainArn: c.opensearch.domainArn };
    }

    this.fleet = new WorkerFleet(this, 'Workers', {
      prefix: c.prefix,
      vpc: network.vpc,
      queue: this.queues.queue,
      deadLetterQueue: this.queues.deadLetterQueue,
      bundle,
      identity,
      sourceBucket: c.sourceBucket,
      opensearch,
      bedrockRegion: c.bedrock.region,
      initialLoad: c.initialLoad,
      ...c.fleet,
      maxCapacity: c.initialLoad ? c.fleet.initialLoadMaxCapacity : c.fleet.maxCapacity,
      visibilityTimeoutSeconds: c.queue.visibilityTimeoutSeconds,
      logRetention,
      removalPolicy,
    });

    this.scaling = new FleetScaling(this, 'Scaling', {
      group: this.fleet.group,
      groupName: this.fleet.groupName,
      queue: this.queues.queue,
      ...c.scaling,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', { prefix: c.prefix, email: c.alarms.email, removalPolicy });
    this.monitoring.monitorProcessing({ groupName: this.fleet.groupName, queue: this.queues.queue, minThroughputPerInstance: c.alarms.minThroughputPerInstance });
    this.monitoring.monitorQueueWithDlq({
      queue: this.queues.queue,
      deadLetterQueue: this.queues.deadLetterQueue,
      depthThreshold: c.alarms.queueDepth,
      oldestAgeSeconds: c.alarms.oldestMessageAgeSeconds,
      dlqThreshold: c.alarms.dlqMessages,
    });
    this.monitoring.monitorResources({ groupName: this.fleet.groupName, cpuPercent: c.alarms.cpuPercent, memoryPercent: c.alarms.memoryPercent });
    this.monitoring.monitorStages({ groupName: this.fleet.groupName });
    this.monitoring.monitorCapacity({ groupName: this.fleet.groupName, minInService: 1 });

    new CfnOutput(this, 'QueueUrl', { value: this.queues.queue.queueUrl, description: `${WORKER_ENV.queueUrl} for the scanner and the workers` });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.queues.deadLetterQueue.queueUrl, description: `${WORKER_ENV.dlqUrl} (cis failures)` });
    new CfnOutput(this, 'OpenSearchUrl', { value: opensearch.endpoint, description: WORKER_ENV.opensearchUrl });
    new CfnOutput(this, 'WorkerGroupName', { value: this.fleet.groupName });
    new CfnOutput(this, 'InitialLoad', { value: String(c.initialLoad), description: 'Initial-load mode (the environment\'s initialLoad setting, infra/src/config/environments.ts)' });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
  }
}
