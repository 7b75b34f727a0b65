import { Aws, Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { WORKER_ENV, type WorkerEnvironment } from '@cis/processor';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';
import type { WorkerBundle } from './worker-bundle';
import type { WorkerIdentity } from './worker-identity';
import { INSTANCE_PATHS, workerUserData } from './worker-user-data';

export const DRAIN_HOOK_NAME = 'drain-worker';
/** systemd waits this much longer than the worker's own drain deadline before it kills the worker. */
export const STOP_MARGIN_SECONDS = 20;

export interface WorkerFleetProps {
  prefix: string;
  vpc: ec2.IVpc;
  queue: sqs.IQueue;
  deadLetterQueue: sqs.IQueue;
  bundle: WorkerBundle;
  identity: WorkerIdentity;
  sourceBucket: { name: string; kmsKeyArn?: string };
  opensearch: { endpoint: string; domainArn?: string };
  /** Region of the Bedrock endpoint the workers embed images with. */
  bedrockRegion: string;
  initialLoad: boolean;
  instanceTypes: string[];
  minCapacity: number;
  maxCapacity: number;
  onDemandBaseCapacity: number;
  onDemandPercentageAboveBaseCapacity: number;
  healthCheckGraceSeconds: number;
  drainTimeoutSeconds: number;
  workerDrainSeconds: number;
  rootVolumeGiB: number;
  visibilityTimeoutSeconds: number;
  /** Extra variables (environment settings), written after the ones the fleet sets. */
  workerEnvironment: WorkerEnvironment;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
}

/**
 * The worker fleet: a launch template (Amazon Linux 2023, IMDSv2 only, no SSH key, SSM access,
 * a least-privilege role) and a mixed on-demand/spot Auto Scaling group whose instances drain
 * through a termination lifecycle hook before they go.
 */
export class WorkerFleet extends Construct {
  readonly group: autoscaling.AutoScalingGroup;
  readonly groupName: string;
  readonly role: iam.Role;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly userData: ec2.UserData;
  readonly workerLogGroup: logs.LogGroup;
  readonly metricsLogGroup: logs.LogGroup;
  /** What the worker service gets in its environment: only variables the worker reads (the processor's contract). */
  readonly environment: WorkerEnvironment;

  constructor(scope: Construct, id: string, props: WorkerFleetProps) {
    super(scope, id);
    // A fixed name: user data and IAM refer to the group, and the group refers to the launch template.
    this.groupName = `${props.prefix}-workers`;

    this.workerLogGroup = new logs.LogGroup(this, 'WorkerLogs', {
      logGroupName: `/${props.prefix}/worker`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.metricsLogGroup = new logs.LogGroup(this, 'WorkerMetricLogs', {
      logGroupName: `/${props.prefix}/worker-metrics`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    this.role = props.identity.role;
    props.identity.grantWorkerAccess({
      queue: props.queue,
      sourceBucket: props.sourceBucket,
      bundleObjectArn: props.bundle.objectArn,
      bedrockRegion: props.bedrockRegion,
      opensearchDomainArn: props.opensearch.domainArn,
      logGroupArns: [this.workerLogGroup.logGroupArn, this.metricsLogGroup.logGroupArn],
      groupName: this.groupName,
    });

    const v = WORKER_ENV;
    this.environment = {
      [v.region]: Aws.REGION,
      [v.queueUrl]: props.queue.queueUrl,
      [v.dlqUrl]: props.deadLetterQueue.queueUrl,
      [v.bucket]: props.sourceBucket.name,
      [v.opensearchUrl]: props.opensearch.endpoint,
      [v.bedrockRegion]: props.bedrockRegion,
      [v.initialLoad]: String(props.initialLoad),
      [v.visibilityTimeoutSeconds]: String(props.visibilityTimeoutSeconds),
      [v.drainDeadlineSeconds]: String(props.workerDrainSeconds),
      [v.autoScalingGroupName]: this.groupName,
      // aws-embedded-metrics: send to the CloudWatch agent's EMF listener, into this log group.
      [v.emfEnvironment]: 'EC2',
      [v.emfLogGroupName]: this.metricsLogGroup.logGroupName,
      [v.emfServiceName]: 'cis-worker',
      ...props.workerEnvironment,
    };

    this.userData = workerUserData({
      region: Aws.REGION,
      bundle: { bucket: props.bundle.asset.s3BucketName, key: props.bundle.asset.s3ObjectKey },
      environment: this.environment,
      agentConfig: cloudWatchAgentConfig(this.workerLogGroup.logGroupName),
      lifecycle: { groupName: this.groupName, hookName: DRAIN_HOOK_NAME },
      stopTimeoutSeconds: props.workerDrainSeconds + STOP_MARGIN_SECONDS,
    });

    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      launchTemplateName: `${props.prefix}-worker`,
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      userData: this.userData,
      role: this.role,
      securityGroup: props.identity.securityGroup,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      // 1-minute instance metrics: the CPU policy and alarm react in minutes, not tens of minutes.
      detailedMonitoring: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(props.rootVolumeGiB, { volumeType: ec2.EbsDeviceVolumeType.GP3, encrypted: true, deleteOnTermination: true }),
        },
      ],
    });

    this.group = new autoscaling.AutoScalingGroup(this, 'Group', {
      autoScalingGroupName: this.groupName,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      mixedInstancesPolicy: {
        launchTemplate: this.launchTemplate,
        launchTemplateOverrides: props.instanceTypes.map((t) => ({ instanceType: new ec2.InstanceType(t) })),
        instancesDistribution: {
          onDemandBaseCapacity: props.onDemandBaseCapacity,
          onDemandPercentageAboveBaseCapacity: props.onDemandPercentageAboveBaseCapacity,
          spotAllocationStrategy: autoscaling.SpotAllocationStrategy.CAPACITY_OPTIMIZED,
        },
      },
      capacityRebalance: true,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      // No desiredCapacity: a value here would reset a scaled-out fleet to it on every deploy.
      // The group starts at minCapacity and scaling owns the rest.
      healthChecks: autoscaling.HealthChecks.ec2({ gracePeriod: Duration.seconds(props.healthCheckGraceSeconds) }),
      terminationPolicies: [autoscaling.TerminationPolicy.OLDEST_INSTANCE],
      groupMetrics: [autoscaling.GroupMetrics.all()],
    });
    this.group.addLifecycleHook('DrainHook', {
      lifecycleHookName: DRAIN_HOOK_NAME,
      lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
      heartbeatTimeout: Duration.seconds(props.drainTimeoutSeconds),
      // If the instance never answers (it crashed), termination goes ahead when the timeout ends.
      defaultResult: autoscaling.DefaultResult.CONTINUE,
    });
    // On the group (propagated at launch) and on the template (its instances and volumes), so both agree.
    for (const scope of [this.group, this.launchTemplate]) {
      Tags.of(scope).add('Name', `${props.prefix}-worker`, { applyToLaunchedInstances: true });
      Tags.of(scope).add('Workload', 'OCR-Processing', { applyToLaunchedInstances: true });
    }

    acknowledge(
      this.group.node.defaultChild as autoscaling.CfnAutoScalingGroup,
      'AwsSolutions-EC26',
      'The rule cannot follow a MixedInstancesPolicy to its launch template (it throws); that template encrypts the only volume (/dev/xvda, Encrypted: true), which the infra tests assert.',
    );
    acknowledge(this.group, 'AwsSolutions-AS3', 'Per-instance scaling notices of a fleet that scales between 2 and 150 would flood the alarm address; failed launches and terminations are sent by an EventBridge rule (Monitoring), capacity is on the dashboard.');
  }
}

/**
 * CloudWatch agent: memory use per instance and aggregated per group, the worker's log file,
 * and the EMF listener (TCP 25888) the worker's metrics go through.
 */
function cloudWatchAgentConfig(workerLogGroup: string): object {
  return {
    agent: { metrics_collection_interval: 60 },
    metrics: {
      namespace: 'CWAgent',
      append_dimensions: { AutoScalingGroupName: '${aws:AutoScalingGroupName}', InstanceId: '${aws:InstanceId}' },
      aggregation_dimensions: [['AutoScalingGroupName']],
      metrics_collected: { mem: { measurement: ['mem_used_percent'] } },
    },
    logs: {
      metrics_collected: { emf: {} },
      logs_collected: {
        files: { collect_list: [{ file_path: INSTANCE_PATHS.logFile, log_group_name: workerLogGroup, log_stream_name: '{instance_id}' }] },
      },
    },
  };
}
