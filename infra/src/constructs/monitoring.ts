import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { METRIC, METRIC_DIMENSION, METRICS_NAMESPACE, type MetricName } from '@cis/processor';
import { Construct } from 'constructs';
import { WORKER_FAILED_METRIC, WORKER_START_LIMIT } from './worker-user-data';

export interface MonitoringProps {
  prefix: string;
  /** Receives every alarm (and its recovery); the address must confirm the subscription once. */
  email: string;
  removalPolicy: RemovalPolicy;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Monitoring as a facade: each `monitor…` call declares, for one thing being watched, its alarms
 * (sent to one SNS topic) and its dashboard section, so thresholds and graphs stay side by side.
 * The dashboard opens with the status of every alarm declared here.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  /** Filled by the monitor… calls; the status widget reads it when the dashboard is rendered. */
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.prefix = props.prefix;
    const key = new kms.Key(this, 'AlarmTopicKey', {
      alias: `alias/${props.prefix}-alarms`,
      description: `Encrypts the ${props.prefix} alarm topic`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    // CloudWatch alarms and EventBridge publish to the encrypted topic: they need the data key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmPublishers',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com'), new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `${props.prefix}-alarms`,
      displayName: `CIS ingest ${props.prefix} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${props.prefix}-ingest`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }));
  }

  /** Throughput (files/hour per instance and for the fleet) and rate; alarm when too slow while there is work. */
  monitorProcessing(p: { groupName: string; queue: sqs.IQueue; minThroughputPerInstance: number }): void {
    const perInstance = this.workerMetric(METRIC.processingThroughput, p.groupName, 'Average', 'Files/hour per instance');
    const fleet = this.workerMetric(METRIC.processingThroughput, p.groupName, 'Sum', 'Files/hour, fleet');
    const rate = this.workerMetric(METRIC.processingRate, p.groupName, 'Sum', 'Files/minute, fleet');
    // An idle fleet (empty queue) is not slow: the alarm only judges hours with a backlog.
    const hour = Duration.hours(1);
    const slowWhileBusy = new cloudwatch.MathExpression({
      label: 'Files/hour per instance while the queue holds messages',
      expression: `IF(visible > 0, FILL(throughput, 0), ${p.minThroughputPerInstance})`,
      usingMetrics: {
        visible: p.queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: hour }),
        throughput: perInstance.with({ period: hour }),
      },
      period: hour,
    });
    this.alarm('ThroughputLow', slowWhileBusy, {
      description: `Workers process fewer than ${p.minThroughputPerInstance} files/hour per instance over an hour while files wait.`,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      threshold: p.minThroughputPerInstance,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.section('Processing performance', [
      new cloudwatch.GraphWidget({
        title: 'Throughput (files/hour)',
        left: [perInstance, fleet],
        leftAnnotations: [{ value: p.minThroughputPerInstance, label: 'alarm: per instance below', color: cloudwatch.Color.RED }],
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Processing rate (files/minute)', left: [rate], width: 12 }),
    ]);
  }

  /** Depth and age of the file queue and the dead-letter queue. */
  monitorQueueWithDlq(p: { queue: sqs.IQueue; deadLetterQueue: sqs.IQueue; depthThreshold: number; oldestAgeSeconds: number; dlqThreshold: number }): void {
    // Alarms get the bare metrics (a label would turn them into metric-math alarms); graphs get labels.
    const visible = p.queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES });
    const inFlight = p.queue.metricApproximateNumberOfMessagesNotVisible({ statistic: 'Maximum', period: FIVE_MINUTES, label: 'In flight' });
    const oldest = p.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: FIVE_MINUTES });
    const dlq = p.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES });
    this.alarm('QueueDepth', visible, {
      description: `More than ${p.depthThreshold} file messages wait for 10 minutes.`,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: p.depthThreshold,
      evaluationPeriods: 2,
    });
    this.alarm('OldestMessage', oldest, {
      description: `A file message has waited more than ${p.oldestAgeSeconds} s.`,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: p.oldestAgeSeconds,
      evaluationPeriods: 1,
    });
    this.alarm('DeadLetters', dlq, {
      description: `More than ${p.dlqThreshold} messages in the dead-letter queue (cis failures lists them with reasons).`,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: p.dlqThreshold,
      evaluationPeriods: 1,
    });
    this.section('Queue health', [
      new cloudwatch.GraphWidget({
        title: 'File queue (messages)',
        left: [visible.with({ label: 'Visible' }), inFlight],
        leftAnnotations: [{ value: p.depthThreshold, label: 'alarm', color: cloudwatch.Color.RED }],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Age of the oldest message (s)',
        left: [oldest.with({ label: 'Oldest message (s)' })],
        leftAnnotations: [{ value: p.oldestAgeSeconds, label: 'alarm', color: cloudwatch.Color.RED }],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue (messages)',
        left: [dlq.with({ label: 'Dead letters' })],
        leftAnnotations: [{ value: p.dlqThreshold, label: 'alarm', color: cloudwatch.Color.RED }],
        width: 8,
      }),
    ]);
  }

  /** CPU (EC2) and memory (CloudWatch agent) across the group. */
  monitorResources(p: { groupName: string; cpuPercent: number; memoryPercent: number }): void {
    const cpu = (statistic: string) => groupMetric('AWS/EC2', 'CPUUtilization', p.groupName, { statistic, period: FIVE_MINUTES });
    const memory = (statistic: string) => groupMetric('CWAgent', 'mem_used_percent', p.groupName, { statistic, period: FIVE_MINUTES });
    this.alarm('CpuHigh', cpu('Average'), {
      description: `Group CPU above ${p.cpuPercent}% for 15 minutes (scaling should have added capacity).`,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: p.cpuPercent,
      evaluationPeriods: 3,
    });
    // Memory is a per-instance risk (an OCR thread's WASM heap never shrinks): watch the fullest instance.
    this.alarm('MemoryHigh', memory('Maximum'), {
      description: `An instance has used more than ${p.memoryPercent}% of its memory for 15 minutes.`,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: p.memoryPercent,
      evaluationPeriods: 3,
    });
    this.section('Resource utilization', [
      new cloudwatch.GraphWidget({
        title: 'CPU (%)',
        left: [cpu('Average').with({ label: 'Average' }), cpu('Maximum').with({ label: 'Busiest instance' })],
        leftYAxis: { min: 0, max: 100 },
        leftAnnotations: [{ value: p.cpuPercent, label: 'alarm', color: cloudwatch.Color.RED }],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Memory (%)',
        left: [memory('Average').with({ label: 'Average' }), memory('Maximum').with({ label: 'Fullest instance' })],
        leftYAxis: { min: 0, max: 100 },
        leftAnnotations: [{ value: p.memoryPercent, label: 'alarm', color: cloudwatch.Color.RED }],
        width: 12,
      }),
    ]);
  }

  /** Where a file's time goes (the worker's per-stage means), and what did not go through. */
  monitorStages(p: { groupName: string }): void {
    const stage = (name: MetricName, label: string) => this.workerMetric(name, p.groupName, 'Average', label);
    const count = (name: MetricName, label: string) => this.workerMetric(name, p.groupName, 'Sum', label, FIVE_MINUTES);
    this.section('Stage breakdown', [
      new cloudwatch.GraphWidget({
        title: 'Time per file and stage (ms)',
        left: [
          stage(METRIC.s3DownloadTime, 'S3 download'),
          stage(METRIC.ocrProcessingTime, 'OCR'),
          stage(METRIC.bedrockApiTime, 'Bedrock embedding'),
          stage(METRIC.openSearchIndexTime, 'OpenSearch bulk request'),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Returned, unreadable, throttled (per 5 minutes)',
        left: [
          count(METRIC.messagesReturned, 'Returned to the queue'),
          count(METRIC.filesUnreadable, 'Unreadable (stored with reason)'),
          count(METRIC.bedrockThrottles, 'Bedrock throttles'),
        ],
        width: 12,
      }),
    ]);
  }

  /**
   * The group's size; alarm when no instance is in service, and when an in-service instance's
   * worker stopped for good (the instance then replaces itself: worker-user-data.ts). EventBridge
   * reports failed launches and terminations.
   */
  monitorCapacity(p: { groupName: string; minInService: number }): void {
    const group = (metricName: string, label?: string) =>
      groupMetric('AWS/AutoScaling', metricName, p.groupName, { statistic: 'Average', period: Duration.minutes(1), label });
    this.alarm('NoInstanceInService', group('GroupInServiceInstances').with({ period: FIVE_MINUTES, statistic: 'Minimum' }), {
      description: `Fewer than ${p.minInService} worker instance(s) in service for 10 minutes.`,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      threshold: p.minInService,
      evaluationPeriods: 2,
      // No group metrics at all is as bad as none in service.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    const workersFailed = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: WORKER_FAILED_METRIC,
      dimensionsMap: { [METRIC_DIMENSION.autoScalingGroupName]: p.groupName },
      statistic: 'Sum',
      period: FIVE_MINUTES,
    });
    // Any of the last three periods: a fleet that keeps replacing broken instances (each fails a few
    // minutes after boot) stays in alarm instead of flapping, and is OK again 15 quiet minutes later.
    this.alarm('WorkerNotRunning', workersFailed, {
      description:
        `A worker stopped on an in-service instance (exit code 2: a setting or dependency its start-up check names, ` +
        `or ${WORKER_START_LIMIT.burst} crashes in ${WORKER_START_LIMIT.intervalSeconds / 60} minutes); the instance was marked unhealthy and is replaced. ` +
        `The reason is in the worker log group.`,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: 1,
      evaluationPeriods: 3,
      datapointsToAlarm: 1,
    });
    new events.Rule(this, 'ScalingFailures', {
      ruleName: `${this.prefix}-scaling-failures`,
      description: 'Failed launches and terminations of worker instances',
      eventPattern: {
        source: ['aws.autoscaling'],
        detailType: ['EC2 Instance Launch Unsuccessful', 'EC2 Instance Terminate Unsuccessful'],
        detail: { AutoScalingGroupName: [p.groupName] },
      },
      targets: [new targets.SnsTopic(this.topic)],
    });
    this.section('Auto Scaling group capacity', [
      new cloudwatch.GraphWidget({
        title: 'Instances',
        left: [
          group('GroupDesiredCapacity', 'Desired'),
          group('GroupInServiceInstances', 'In service'),
          group('GroupPendingInstances', 'Pending'),
          group('GroupTerminatingInstances', 'Terminating'),
          workersFailed.with({ period: Duration.minutes(1), label: 'Workers failed (instance replaced)' }),
        ],
        width: 24,
      }),
    ]);
  }

  /** A metric the workers publish (the processor's contract), group-wide. */
  private workerMetric(metricName: MetricName, groupName: string, statistic: string, label: string, period = Duration.minutes(1)): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { [METRIC_DIMENSION.autoScalingGroupName]: groupName },
      statistic,
      period,
      label,
    });
  }

  private alarm(id: string, metric: cloudwatch.Metric | cloudwatch.MathExpression, props: Omit<cloudwatch.CreateAlarmOptions, 'alarmName' | 'alarmDescription'> & { description: string }): cloudwatch.Alarm {
    const { description, ...options } = props;
    const alarm = metric.createAlarm(this, id, {
      alarmName: `${this.prefix}-${kebab(id)}`,
      alarmDescription: description,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...options,
    });
    const action = new actions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }

  private section(title: string, widgets: cloudwatch.IWidget[]): void {
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `## ${title}`, width: 24, height: 1 }));
    this.dashboard.addWidgets(...widgets);
  }
}

/** An AWS metric of the worker group: EC2, the CloudWatch agent and Auto Scaling key it by AutoScalingGroupName. */
function groupMetric(namespace: string, metricName: string, groupName: string, props: { statistic: string; period: Duration; label?: string }): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace, metricName, dimensionsMap: { AutoScalingGroupName: groupName }, ...props });
}

function kebab(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
