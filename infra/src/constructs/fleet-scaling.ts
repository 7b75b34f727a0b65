import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { METRIC, METRIC_DIMENSION, METRICS_NAMESPACE } from '@cis/processor';
import { Construct } from 'constructs';

export interface FleetScalingProps {
  group: autoscaling.AutoScalingGroup;
  groupName: string;
  queue: sqs.IQueue;
  backlogPerInstance: number;
  cpuUtilizationPercent: number;
  throughputPerInstance: number;
  instanceWarmupSeconds: number;
}

/**
 * Three target-tracking policies. The group scales out when any of them asks for more capacity
 * and scales in only when all of them allow it.
 *
 * EC2 Auto Scaling target tracking has no cooldown settings (those belong to simple scaling and
 * to Application Auto Scaling). Its pacing is:
 * - scale-out: each policy's estimated instance warm-up (`instanceWarmupSeconds`, 60 s): a new
 *   instance counts as capacity at once but its metrics join the group's only after the warm-up,
 *   so the policy neither double-counts nor stalls;
 * - scale-in: the policy's low alarm, created and owned by AWS, must hold for 15 consecutive
 *   minutes, which is stricter than a 300 s scale-in cooldown; each removed instance then drains
 *   through the termination lifecycle hook.
 */
export class FleetScaling extends Construct {
  readonly backlogPolicy: autoscaling.CfnScalingPolicy;
  readonly cpuPolicy: autoscaling.TargetTrackingScalingPolicy;
  readonly throughputPolicy: autoscaling.TargetTrackingScalingPolicy;

  constructor(scope: Construct, id: string, props: FleetScalingProps) {
    super(scope, id);
    const warmup = Duration.seconds(props.instanceWarmupSeconds);

    // Backlog per instance needs metric math (queue depth ÷ in-service instances), which the L2
    // policy cannot render. With no instance in service the backlog itself is the value, so the
    // group can scale out from zero.
    this.backlogPolicy = new autoscaling.CfnScalingPolicy(this, 'BacklogPerInstance', {
      autoScalingGroupName: props.group.autoScalingGroupName,
      policyType: 'TargetTrackingScaling',
      estimatedInstanceWarmup: props.instanceWarmupSeconds,
      targetTrackingConfiguration: {
        targetValue: props.backlogPerInstance,
        customizedMetricSpecification: {
          metrics: [
            {
              id: 'visible',
              label: 'Messages visible in the file queue',
              metricStat: {
                metric: {
                  namespace: 'AWS/SQS',
                  metricName: 'ApproximateNumberOfMessagesVisible',
                  dimensions: [{ name: 'QueueName', value: props.queue.queueName }],
                },
                stat: 'Sum',
              },
              returnData: false,
            },
            {
              id: 'inService',
              label: 'Instances in service',
              metricStat: {
                metric: {
                  namespace: 'AWS/AutoScaling',
                  metricName: 'GroupInServiceInstances',
                  dimensions: [{ name: 'AutoScalingGroupName', value: props.groupName }],
                },
                stat: 'Average',
              },
              returnData: false,
            },
            {
              id: 'backlogPerInstance',
              label: 'Backlog per instance',
              expression: 'IF(inService > 0, visible / inService, visible)',
              returnData: true,
            },
          ],
        },
      },
    });

    this.cpuPolicy = props.group.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: props.cpuUtilizationPercent,
      estimatedInstanceWarmup: warmup,
    });

    this.throughputPolicy = props.group.scaleToTrackMetric('ThroughputPerInstance', {
      // Each worker reports its own files/hour; the group average is the per-instance throughput.
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC.processingThroughput,
        dimensionsMap: { [METRIC_DIMENSION.autoScalingGroupName]: props.groupName },
        statistic: cloudwatch.Stats.AVERAGE,
        period: Duration.minutes(1),
      }),
      targetValue: props.throughputPerInstance,
      estimatedInstanceWarmup: warmup,
    });
  }
}
